using CityCard.Security.Ep;

namespace CityCard.Clearing.Registry;

/// <summary>A card sold at an outlet, to register: deposit and opening balance (cash the outlet took) and the card's counters.</summary>
public sealed record CardSale(Asn Asn, CityCode City, byte CardType, long DepositFen, long BalanceFen, int OfflineCounter, int OnlineCounter, uint OutletOperatorId);
