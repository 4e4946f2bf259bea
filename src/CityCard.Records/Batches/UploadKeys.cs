using System.Buffers.Binary;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Records.Batches;

/// <summary>
/// Each device's batch-upload key: the issuer terminal master key diversified by the device id,
/// <c>Div(MK_terminal, DeviceId4 ‖ FF FF FF FF)</c>. The centre re-derives it to check a file MAC; the terminal holds only its own.
/// </summary>
public static class UploadKeys
{
    /// <summary>Derives a device's 16-byte upload key from the terminal master key.</summary>
    public static byte[] Derive(EpKey terminalMaster, uint deviceId)
    {
        ArgumentNullException.ThrowIfNull(terminalMaster);
        Span<byte> factor = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(factor, deviceId);
        BinaryPrimitives.WriteUInt32BigEndian(factor[4..], 0xFFFF_FFFF);
        return terminalMaster.Diversify(factor).ExportBytes();
    }

    /// <summary>Derives a device's upload key from an issuer key set.</summary>
    public static byte[] Derive(IssuerKeySet keySet, uint deviceId)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        return Derive(keySet.Master(KeyRole.TerminalMaster), deviceId);
    }
}
