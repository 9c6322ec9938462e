using System.Collections.Immutable;

namespace Surge.Flows;

/// <summary>
/// A directed graph of tasks joined by pipes: each task reads the pipes named by its inputs and writes one pipe, its
/// output. A wave runs it for every entity of a state. Build one with <see cref="FlowBuilder"/> or read it from JSON
/// with <see cref="FlowJson"/>; <see cref="FlowValidator"/> checks it where it is registered.
/// </summary>
/// <param name="Name">The flow's name (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>; 64 at most).</param>
/// <param name="Tasks">The tasks, in any order: the graph is given by their inputs and outputs.</param>
/// <param name="PipeTtl">How long a pipe written by this flow is kept.</param>
[GenerateSerializer, Immutable]
public sealed record FlowDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] ImmutableArray<FlowTask> Tasks,
    [property: Id(2)] TimeSpan PipeTtl)
{
    /// <summary>Pipes are kept a week unless the flow says otherwise.</summary>
    public static readonly TimeSpan DefaultPipeTtl = TimeSpan.FromDays(7);

    /// <summary>The task named <paramref name="name"/>, or null.</summary>
    public FlowTask? Task(string name) => Tasks.FirstOrDefault(t => t.Name == name);
}

/// <summary>One task of a flow.</summary>
/// <param name="Name">Unique within the flow.</param>
/// <param name="Type">The task type a handler is registered for on the silos (a program task's type works too).</param>
/// <param name="Version">The version of its logic, e.g. <c>v1</c> or <c>2.1</c>: part of its output pipe's key.</param>
/// <param name="Inputs">The pipes it reads; each is another task's output. Empty for a task that starts the graph.</param>
/// <param name="Output">The pipe it writes: its result, once, never overwritten.</param>
/// <param name="DependencyTimeout">
/// Counted from the moment the wave starts the entity: if its inputs do not all exist by then, the task runs with those
/// that do and is marked degraded.
/// </param>
/// <param name="Payload">JSON handed to the handler as the task's payload (the inputs come beside it, not in it).</param>
[GenerateSerializer, Immutable]
public sealed record FlowTask(
    [property: Id(0)] string Name,
    [property: Id(1)] string Type,
    [property: Id(2)] string Version,
    [property: Id(3)] ImmutableArray<string> Inputs,
    [property: Id(4)] string Output,
    [property: Id(5)] TimeSpan DependencyTimeout,
    [property: Id(6)] string Payload = "{}");
