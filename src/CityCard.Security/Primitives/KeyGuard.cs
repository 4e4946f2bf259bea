namespace CityCard.Security.Primitives;

/// <summary>Argument checks shared by the primitives; messages name the argument and never show key bytes.</summary>
internal static class KeyGuard
{
    public static void RequireLength(ReadOnlySpan<byte> value, int length, string argumentName)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"{argumentName}: expected {length} bytes, got {value.Length}", argumentName);
        }
    }
}
