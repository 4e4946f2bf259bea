using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>A completed load: the request, the host's date-time and MAC2, and the card's TAC.</summary>
public sealed record LoadRecord(LoadRequest Request, BcdDateTime HostDateTime, uint Mac2, uint Tac);
