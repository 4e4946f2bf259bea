namespace CityCard.Clearing.Outcomes;

/// <summary>Why a whole batch file was refused. A refused file is stored with this reason, never dropped.</summary>
public enum FileRefusal : byte
{
    /// <summary>The bytes are not a well-formed batch file (header, records or trailer; the message names the byte and field).</summary>
    Malformed = 1,

    /// <summary>The header's device id is not registered.</summary>
    UnknownDevice = 2,

    /// <summary>The device was revoked.</summary>
    RevokedDevice = 3,

    /// <summary>The file MAC does not verify under the device's upload key (tampered, or signed by another device).</summary>
    BadFileMac = 4,

    /// <summary>The device already uploaded a different file under the same batch number.</summary>
    BatchNumberReused = 5,

    /// <summary>The header's device kind or operator differs from the registry.</summary>
    DeviceMismatch = 6,
}
