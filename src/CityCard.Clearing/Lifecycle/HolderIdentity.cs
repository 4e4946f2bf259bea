namespace CityCard.Clearing.Lifecycle;

/// <summary>A cardholder's name and ID number, as registered at sale and checked at every loss, found, replacement and refund.</summary>
public sealed record HolderIdentity(string Name, string IdNumber)
{
    /// <summary>True when both match the registered holder (surrounding spaces and letter case ignored).</summary>
    public bool Matches(CardProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.HolderName is not null && profile.IdNumber is not null
            && string.Equals(Name?.Trim(), profile.HolderName, StringComparison.OrdinalIgnoreCase)
            && string.Equals(IdNumber?.Trim(), profile.IdNumber, StringComparison.OrdinalIgnoreCase);
    }
}
