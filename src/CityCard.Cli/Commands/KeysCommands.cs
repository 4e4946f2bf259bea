using System.CommandLine;
using System.Text.Json.Nodes;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Terminals.Parameters;

namespace CityCard.Cli.Commands;

/// <summary><c>citycard keys …</c>: the demo key set and encrypted production key-set files.</summary>
internal static class KeysCommands
{
    public static Command Build(CliContext context)
    {
        var keys = new Command("keys", "Issuer master key sets: the public demo set and encrypted production files.");
        keys.Subcommands.Add(Demo(context));
        keys.Subcommands.Add(New(context));
        keys.Subcommands.Add(Check(context));
        return keys;
    }

    /// <summary>The master keys of a key set as the JSON object of <c>keys demo</c>.</summary>
    public static JsonObject ToJson(IssuerKeySet keySet)
    {
        var json = new JsonObject
        {
            ["algorithm"] = keySet.Algorithm.Name(),
            ["keyVersion"] = (int)keySet.KeyVersion,
            ["cityCode"] = keySet.HomeCity.ToString(),
        };
        foreach (var role in DemoKeySet.CardRoles)
        {
            json[DemoKeySet.RoleName(role)] = Hex.Format(keySet.Master(role).ExportBytes());
        }

        return json;
    }

    private static Command Demo(CliContext context)
    {
        var alg = Options.Optional("--alg", "des (default) or sm4");
        return new Command("demo", "Print the public DEMO master keys (derived from a published seed; never for production) as JSON.")
            .With(alg)
            .Does(parse =>
            {
                var algorithm = EpAlgorithms.Parse(parse.GetValue(alg) ?? "des", "--alg");
                context.Out.WriteLine(ToJson(DemoKeySet.Create(algorithm)).ToJsonString());
                return ExitCodes.Ok;
            });
    }

    private static Command New(CliContext context)
    {
        var output = Options.Required("--out", "the key-set file to write (encrypted under the passphrase in CITYCARD_KEK, or typed at a prompt)");
        var alg = Options.Optional("--alg", "des (default) or sm4");
        var version = Options.Optional("--key-version", "master key version 0..255 (default 1)");
        var city = Options.Optional("--city", "home city code, 4 hex digits (default 2144)");
        return new Command("new", "Generate a random production key set and write it encrypted; no key is printed.")
            .With(output, alg, version, city)
            .Does(parse =>
            {
                var algorithm = EpAlgorithms.Parse(parse.GetValue(alg) ?? "des", "--alg");
                var keyVersion = (byte)Arguments.Integer(parse.GetValue(version) ?? "1", "--key-version", 0, 255);
                var homeCity = CityCode.Parse(parse.GetValue(city) ?? "2144", "--city");
                var path = parse.GetValue(output)!;
                var kek = KeyEncryptionKey.Obtain(context);
                var keySet = IssuerKeySet.Generate(algorithm, keyVersion, homeCity);
                try
                {
                    KeySetFile.Write(path, keySet, kek);
                }
                catch (IOException e)
                {
                    throw new CliFailure($"--out {path}: cannot write ({e.Message})", e);
                }

                context.Out.WriteLine($"wrote {path}: {algorithm.Name()} key set, version {keyVersion}, city {homeCity}");
                return ExitCodes.Ok;
            });
    }

    private static Command Check(CliContext context)
    {
        var file = Options.Required("--keys", "the encrypted key-set file");
        return new Command("check", "Decrypt a key-set file and print its algorithm, version, city and the parameter-signing PUBLIC key (never a secret key).")
            .With(file)
            .Does(parse =>
            {
                var keySet = LoadKeySet(context, parse.GetValue(file)!);
                context.Out.WriteLine($"{parse.GetValue(file)}: {keySet.Algorithm.Name()} key set, version {keySet.KeyVersion}, city {keySet.HomeCity}");
                // The public half is what terminals are configured with (terminal config 'parameterPublicKey'); it is not secret.
                context.Out.WriteLine(keySet.HasParameterSigningSeed
                    ? $"parameter-signing public key: {Hex.Format(ParameterSigningKey.Of(keySet).PublicKeyBytes())}"
                    : "no parameter-signing key (a file made before it was added): the centre cannot sign parameter files with it; make a new one with 'citycard keys new'");
                return ExitCodes.Ok;
            });
    }

    /// <summary>
    /// The parameter-signing key of a key set (the demo key for the demo set); a production set without one is refused
    /// (exit code 1) rather than signing with the public demo key.
    /// </summary>
    public static ParameterSigningKey ParameterKey(IssuerKeySet keySet)
    {
        try
        {
            return ParameterSigningKey.Of(keySet);
        }
        catch (InvalidOperationException e)
        {
            throw new CliFailure(e.Message, e);
        }
    }

    /// <summary>The parameter-signing key of <c>--keys FILE</c>, or the demo key without one.</summary>
    public static ParameterSigningKey ParameterKey(CliContext context, string? keysPath) =>
        keysPath is null ? ParameterSigningKey.Demo() : ParameterKey(LoadKeySet(context, keysPath));

    /// <summary>Reads a key-set file with the KEK from the environment or a prompt; problems become exit code 1.</summary>
    public static IssuerKeySet LoadKeySet(CliContext context, string path)
    {
        try
        {
            return KeySetFile.Read(path, KeyEncryptionKey.Obtain(context));
        }
        catch (KeySetFileException e)
        {
            throw new CliFailure(e.Message, e);
        }
    }
}
