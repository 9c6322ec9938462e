namespace Surge.Policies;

/// <summary>
/// Thrown by a handler when trying again cannot help (bad input, a permanent refusal): the task fails at once,
/// whatever its attempts left, and lands in the dead letters with this message.
/// </summary>
public sealed class NonRetryableTaskException(string message, Exception? inner = null) : Exception(message, inner);
