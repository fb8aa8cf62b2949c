using System.Globalization;

namespace MeshClient.Routing;

/// <summary>
/// A router.yaml or DestinationRule document that cannot be used. The message reads <c>FILE:LINE:COLUMN: reason</c>
/// (or <c>FILE: reason</c> when no position is known), so it can be printed as it is.
/// </summary>
public sealed class MeshConfigurationException : Exception
{
    /// <summary>Creates the exception with a position.</summary>
    /// <param name="file">The file (or source name) that holds the error.</param>
    /// <param name="line">The 1-based line, or 0 when not known.</param>
    /// <param name="column">The 1-based column, or 0 when not known.</param>
    /// <param name="reason">Why the document cannot be used.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public MeshConfigurationException(string file, int line, int column, string reason, Exception? innerException = null)
        : base(Format(file, line, column, reason), innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>Creates the exception with a message and no position.</summary>
    public MeshConfigurationException()
        : this(string.Empty, 0, 0, "invalid mesh configuration")
    {
    }

    /// <summary>Creates the exception with a reason and no file or position.</summary>
    /// <param name="message">The reason.</param>
    public MeshConfigurationException(string message)
        : this(string.Empty, 0, 0, message)
    {
    }

    /// <summary>Creates the exception with a reason, no file or position, and an inner exception.</summary>
    /// <param name="message">The reason.</param>
    /// <param name="innerException">The underlying error.</param>
    public MeshConfigurationException(string message, Exception? innerException)
        : this(string.Empty, 0, 0, message, innerException)
    {
    }

    /// <summary>The file (or source name) that holds the error.</summary>
    public string File { get; }

    /// <summary>The 1-based line of the error, or 0 when not known.</summary>
    public int Line { get; }

    /// <summary>The 1-based column of the error, or 0 when not known.</summary>
    public int Column { get; }

    /// <summary>Why the document cannot be used, without the position.</summary>
    public string Reason { get; }

    /// <summary>A failure that is not a known kind of bad input, still reported as a load error of <paramref name="file"/>.</summary>
    internal static MeshConfigurationException Unexpected(string file, Exception exception) =>
        new(file, 0, 0, $"cannot load: {exception.GetType().Name}: {exception.Message}", exception);

    private static string Format(string file, int line, int column, string reason) =>
        line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{file}:{line}:{column}: {reason}")
            : file.Length > 0 ? $"{file}: {reason}" : reason;
}
