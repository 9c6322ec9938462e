return await Surge.Cli.SurgeCli.RunAsync(args, Console.Out, Console.Error);
