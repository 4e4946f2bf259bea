namespace CityCard.Clearing.Storage;

/// <summary>Instants as the store keeps them: whole seconds, so what is returned equals what is read back later.</summary>
internal static class Clock
{
    public static DateTimeOffset Now(TimeProvider clock) => DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds());
}
