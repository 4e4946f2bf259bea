namespace CityCard.Security.Keys;

/// <summary>The roles of the ED/EP keys an issuer holds and a card receives (STANDARDS.md §2.1).</summary>
public enum KeyRole
{
    /// <summary>DPK, purchase (消费).</summary>
    Purchase,

    /// <summary>DLK, load (圈存).</summary>
    Load,

    /// <summary>DTK, transaction authentication (TAC).</summary>
    Tac,

    /// <summary>DAMK, application maintenance (APPLICATION BLOCK/UNBLOCK, line-protected writes).</summary>
    Maintenance,

    /// <summary>PIN unblock / reload.</summary>
    PinUnblock,

    /// <summary>
    /// Issuer terminal master key: never put on a card; each terminal's batch-upload key is diversified from it by the
    /// terminal's device id (docs/batch-format.md).
    /// </summary>
    TerminalMaster,
}
