namespace CityCard.Cards.Apdu;

/// <summary>The four ISO/IEC 7816-3 cases of a short command APDU.</summary>
public enum ApduCase
{
    /// <summary>Header only: <c>CLA INS P1 P2</c>.</summary>
    Case1 = 1,

    /// <summary>Response expected: <c>CLA INS P1 P2 Le</c>.</summary>
    Case2 = 2,

    /// <summary>Command data: <c>CLA INS P1 P2 Lc data</c>.</summary>
    Case3 = 3,

    /// <summary>Command data and response expected: <c>CLA INS P1 P2 Lc data Le</c>.</summary>
    Case4 = 4,
}
