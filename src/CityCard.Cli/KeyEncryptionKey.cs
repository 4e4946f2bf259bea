using System.Text;
using CityCard.Security.Keys;

namespace CityCard.Cli;

/// <summary>Obtains the key-encryption passphrase: from CITYCARD_KEK, else by a prompt. Never echoed, never logged.</summary>
internal static class KeyEncryptionKey
{
    public static string Obtain(CliContext context)
    {
        if (context.GetEnvironment(KeySetFile.KekEnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        context.Error.Write($"Key-encryption passphrase ({KeySetFile.KekEnvironmentVariable} is not set): ");
        string? entered;
        if (ReferenceEquals(context.In, Console.In) && !Console.IsInputRedirected)
        {
            var buffer = new StringBuilder();
            for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            {
                if (key.Key == ConsoleKey.Backspace && buffer.Length > 0)
                {
                    buffer.Length--;
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    buffer.Append(key.KeyChar);
                }
            }

            entered = buffer.ToString();
        }
        else
        {
            entered = context.In.ReadLine();
        }

        context.Error.WriteLine();
        return string.IsNullOrEmpty(entered)
            ? throw new UsageException($"no key-encryption passphrase: set {KeySetFile.KekEnvironmentVariable} or type it at the prompt")
            : entered;
    }
}
