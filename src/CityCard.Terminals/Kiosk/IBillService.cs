namespace CityCard.Terminals.Kiosk;

/// <summary>The centre's bill service as a kiosk sees it (online).</summary>
public interface IBillService
{
    /// <summary>Unpaid bills of a household.</summary>
    IReadOnlyList<UtilityBill> Unpaid(string household);

    /// <summary>Marks a bill paid by the record with the given device and sequence.</summary>
    void MarkPaid(uint billId, uint deviceId, uint deviceSequence);
}
