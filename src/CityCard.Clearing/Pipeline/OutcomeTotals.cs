using CityCard.Clearing.Outcomes;

namespace CityCard.Clearing.Pipeline;

/// <summary>Record counts and amounts (fen) per outcome.</summary>
public sealed record OutcomeTotals
{
    /// <summary>Accepted records.</summary>
    public int Accepted { get; init; }

    /// <summary>Amount of the accepted records, fen.</summary>
    public long AcceptedFen { get; init; }

    /// <summary>Duplicate records.</summary>
    public int Duplicate { get; init; }

    /// <summary>Amount of the duplicate records, fen.</summary>
    public long DuplicateFen { get; init; }

    /// <summary>Rejected records.</summary>
    public int Rejected { get; init; }

    /// <summary>Amount of the rejected records, fen.</summary>
    public long RejectedFen { get; init; }

    /// <summary>Suspect records.</summary>
    public int Suspect { get; init; }

    /// <summary>Amount of the suspect records, fen.</summary>
    public long SuspectFen { get; init; }

    /// <summary>Every record.</summary>
    public int Total => checked(Accepted + Duplicate + Rejected + Suspect);

    /// <summary>Every record's amount, fen.</summary>
    public long TotalFen => checked(AcceptedFen + DuplicateFen + RejectedFen + SuspectFen);

    /// <summary>Adds one record.</summary>
    public OutcomeTotals Add(RecordOutcome outcome, long amountFen) => outcome switch
    {
        RecordOutcome.Accepted => this with { Accepted = Accepted + 1, AcceptedFen = checked(AcceptedFen + amountFen) },
        RecordOutcome.Duplicate => this with { Duplicate = Duplicate + 1, DuplicateFen = checked(DuplicateFen + amountFen) },
        RecordOutcome.Rejected => this with { Rejected = Rejected + 1, RejectedFen = checked(RejectedFen + amountFen) },
        RecordOutcome.Suspect => this with { Suspect = Suspect + 1, SuspectFen = checked(SuspectFen + amountFen) },
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown outcome"),
    };
}
