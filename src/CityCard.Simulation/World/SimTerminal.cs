using CityCard.Cards.Psam;
using CityCard.Records;
using CityCard.Terminals.Bus;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Door;
using CityCard.Terminals.Kiosk;
using CityCard.Terminals.Outlet;
using CityCard.Terminals.Pos;
using CityCard.Terminals.Taxi;

namespace CityCard.Simulation.World;

/// <summary>A simulated device: its real terminal core and the terminal logic over it.</summary>
internal sealed class SimTerminal(uint deviceId, DeviceKind kind, uint operatorId, string directory, TerminalCore core, SoftPsam? psam)
{
    public uint DeviceId { get; } = deviceId;

    public DeviceKind Kind { get; } = kind;

    public uint OperatorId { get; } = operatorId;

    public string Directory { get; } = directory;

    public TerminalCore Core { get; set; } = core;

    public SoftPsam? Psam { get; } = psam;

    public BusValidator? Bus { get; set; }

    public MerchantPos? Pos { get; set; }

    public TaxiMeter? Taxi { get; set; }

    public TopUpOutlet? Outlet { get; set; }

    /// <summary>An outlet's line to the centre's load host.</summary>
    public CentreLoadHost? LoadHost { get; set; }

    public UtilityKiosk? Kiosk { get; set; }

    public DoorReader? Door { get; set; }

    /// <summary>Simulated minute of the day when this terminal picks up today's blacklist.</summary>
    public int BlacklistPickupMinute { get; set; }

    /// <summary>The parameter version the centre published for it to fetch at <see cref="BlacklistPickupMinute"/>.</summary>
    public uint? PendingParameters { get; set; }

    public PurchaseTerminal? Purchase { get; set; }
}
