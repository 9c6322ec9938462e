namespace Surge.Cli;

internal static class Usage
{
    public const string Text = """
        surge — submit and follow tasks on a Surge cluster

        Usage:
          surge submit --type TYPE [--payload JSON] [--feature NAME=VALUE]... [--id ID]
                       [--entity KEY [--event NAME] [--after NAME] [--sequence N]] [--timeout HH:MM:SS]
                       [--max-attempts N] [--wait]
          surge status [TASK-ID]          a task's status; without an id, the pools of every silo
          surge cancel TASK-ID            a queued or held task never starts; a running one has its token cancelled
          surge dead list [--max 50]      tasks that failed for good (attempts exhausted, or their 'after' never came)
          surge dead show TASK-ID | retry TASK-ID | purge (TASK-ID | --all)
          surge schedule add NAME --cron "*/5 * * * *" --type TYPE [--payload JSON]   recurring, UTC
          surge schedule list | remove NAME
          surge replay WORKLOAD.jsonl --out REPORT.json [--results TASKS.jsonl] [--producers N] [--allocate] [--model MODEL.zip]
          surge workload generate history|mixed|ordered|burst --out FILE [--n 3000] [--seed 1] [--world 1] [--shift 0]
                       [--slots 8] [--utilization 0.7] [--gap-ms 4]      a workload to replay, or history to train on
          surge train --history HISTORY.jsonl --out MODEL.zip [--json] [--threshold-ms 50]
          surge predict --model MODEL.zip --type TYPE [--feature NAME=VALUE]...
          surge autoscale history [--max 50]     the autoscaler's decisions, inputs and reasons
          surge simulate-autoscale WORKLOAD.jsonl [--pod-start-delay 45] [--slots-per-pod 8] [--max-concurrency 32]
                       [--min 1] [--max 10] [--keda-target 8] [--quiet]

        Connection (every command):
          --gateway HOST:PORT             a running silo's gateway (default 127.0.0.1:30000)
          --embedded                      host a silo inside this process instead
          --Surge:Section:Key=VALUE       configuration for the embedded silo, as for silo/Surge.Silo
                                          e.g. --Surge:Routing:Mode=single --Surge:Workers:MaxConcurrency=8

        Exit codes: 0 ok, 1 failed (message on stderr), 2 bad command line.

        """;
}
