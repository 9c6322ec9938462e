return await Surge.Bench.BenchCli.RunAsync(args);
