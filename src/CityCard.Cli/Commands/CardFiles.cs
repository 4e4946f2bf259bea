using CityCard.Cards.Cos;
using CityCard.Cards.Images;
using CityCard.Cards.Psam;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Cli.Commands;

/// <summary>Loading card and PSAM files and key sets for commands, with problems turned into exit codes.</summary>
internal static class CardFiles
{
    public static SoftCard LoadCard(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{option}: no such card file '{path}'");
        }

        try
        {
            return SoftCard.Load(path);
        }
        catch (ImageFileException e)
        {
            throw new CliFailure(e.Message, e);
        }
    }

    public static SoftPsam LoadPsam(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{option}: no such PSAM file '{path}'");
        }

        try
        {
            return SoftPsam.Load(path);
        }
        catch (ImageFileException e)
        {
            throw new CliFailure(e.Message, e);
        }
    }

    /// <summary>The key set of <c>--keys FILE</c>, else the demo key set of the algorithm.</summary>
    public static IssuerKeySet KeySet(CliContext context, string? keysFile, EpAlgorithm algorithm) =>
        keysFile is null ? DemoKeySet.Create(algorithm) : KeysCommands.LoadKeySet(context, keysFile);
}
