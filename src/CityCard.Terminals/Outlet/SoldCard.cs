using CityCard.Security.Ep;

namespace CityCard.Terminals.Outlet;

/// <summary>A card an outlet sold: what the centre registers (deposit, opening balance and counters as personalised).</summary>
public sealed record SoldCard(Asn Asn, CityCode City, byte CardType, long DepositFen, long BalanceFen, int OfflineCounter, int OnlineCounter, uint OutletOperatorId);
