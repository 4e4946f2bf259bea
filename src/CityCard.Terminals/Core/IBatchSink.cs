namespace CityCard.Terminals.Core;

/// <summary>Where a terminal hands its closed batches: the centre over HTTP, or a drop folder the centre ingests.</summary>
public interface IBatchSink
{
    /// <summary>Delivers one batch file; returns true only when the centre has acknowledged it (it may then be removed from the outbox).</summary>
    bool Deliver(string fileName, byte[] content);
}
