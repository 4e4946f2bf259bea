namespace CityCard.Records;

/// <summary>The kind of device that wrote a batch.</summary>
public enum DeviceKind : byte
{
    /// <summary>On-board bus validator.</summary>
    BusValidator = 1,

    /// <summary>Merchant point of sale (shops, canteens).</summary>
    MerchantPos = 2,

    /// <summary>Taxi meter (its journal is collected by its company's collector).</summary>
    TaxiMeter = 3,

    /// <summary>Taxi company collector: gathers the meters' journals into batches.</summary>
    TaxiCollector = 4,

    /// <summary>Card sale and top-up outlet.</summary>
    TopUpOutlet = 5,

    /// <summary>Utility bill kiosk.</summary>
    UtilityKiosk = 6,

    /// <summary>Door / attendance reader.</summary>
    DoorReader = 7,
}
