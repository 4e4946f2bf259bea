using CityCard.Clearing.Lifecycle;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Storage;

/// <summary>Lifecycle changes, each inside the store's exclusive write transaction.</summary>
public partial interface IClearingWriter
{
    /// <summary>The next free serial of a city's card numbers (starts at 1; never handed out twice).</summary>
    long NextCardSerial(CityCode city);

    /// <summary>Inserts or replaces a card's profile.</summary>
    void SaveProfile(CardProfile profile);

    /// <summary>Closes a card's account for good: shadow balance and deposit to 0, status cancelled (the ledger moves the money).</summary>
    void CloseCardAccount(Asn asn);

    /// <summary>Changes a registered card's type and deposit (product change; the ledger moves any deposit difference).</summary>
    void SetCardProduct(Asn asn, byte cardType, long depositFen);

    /// <summary>Inserts a pending credit (id 0: the next id is assigned) or updates its status; returns it as stored.</summary>
    PendingCredit SavePendingCredit(PendingCredit credit);

    /// <summary>Appends an operator log entry (sequence and hashes are assigned here); returns it.</summary>
    OperatorLogEntry AppendOperatorLog(string who, string action, string subject, DateTimeOffset atUtc, string before, string after, string requestId);

    /// <summary>Stores the first answer to a request id.</summary>
    void SaveOperation(StoredOperation operation);

    /// <summary>Replaces the stored answer to a request id: a held refund or adjustment answers with its decision once decided.</summary>
    void ReplaceOperationAnswer(string requestId, string answer);

    /// <summary>Inserts (id 0: the next id is assigned) or updates an approval; returns it as stored.</summary>
    Approval SaveApproval(Approval approval);

    /// <summary>Changes an online load's status (confirmed, resolved by the card's counter, lapsed or expired).</summary>
    void SetLoadStatus(Asn asn, ushort onlineCounter, Loads.LoadStatus status);

    /// <summary>Deletes a lapsed authorisation so the card's counter can be authorised again (kept in the operator log).</summary>
    void RemovePendingLoad(Asn asn, ushort onlineCounter);

    /// <summary>Keeps the MAC1 an online load was authorised with, so a replay of the same request is told from a new session.</summary>
    void SetLoadMac1(Asn asn, ushort onlineCounter, uint mac1);

    /// <summary>Adds an operator with the SHA-256 of its token; false when the name exists.</summary>
    bool AddOperator(Operators.OperatorAccount account, string tokenSha256);

    /// <summary>Replaces a valid operator's token hash; false when there is no such operator or it was revoked.</summary>
    bool RotateOperatorToken(string name, string tokenSha256);

    /// <summary>Revokes an operator's token; false when there is no such operator or it was revoked already.</summary>
    bool RevokeOperator(string name, DateTimeOffset revokedUtc);
}
