using System.Text.Json;
using System.Text.Json.Serialization;
using CityCard.Security.Ep;

namespace CityCard.Server.Endpoints;

/// <summary>
/// Writes an ASN in HTTP answers as its 16 hex digits, as every view names a card, instead of the struct's
/// <c>{"value": …}</c> (a decimal number nobody can match to a card). HTTP only: answers the centre stores keep their
/// own form.
/// </summary>
internal sealed class AsnJsonConverter : JsonConverter<Asn>
{
    public override Asn Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return Asn.Parse(reader.GetString(), "asn");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, Asn value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
