namespace CityCard.Records;

/// <summary>What a record reports; byte 0 of every record.</summary>
public enum RecordKind : byte
{
    /// <summary>Simple purchase, transaction type 06.</summary>
    Purchase = 1,

    /// <summary>Composite (CAPP) purchase, transaction type 09 (transit entry/exit).</summary>
    CappPurchase = 2,

    /// <summary>Load, transaction type 02.</summary>
    Load = 3,

    /// <summary>Door or attendance event: no money moves and there is no TAC.</summary>
    Access = 4,
}
