namespace RnnNative.Data;

/// <summary>What the sequences of a set are labelled with. Numbers are stable (C ABI, model files).</summary>
public enum TargetKind
{
    /// <summary>A class per timestep (tagging): <see cref="SequenceBatch.StepTargets"/> [T*B].</summary>
    StepClasses = 0,

    /// <summary>One class per sequence (classification): <see cref="SequenceBatch.Targets"/> [B].</summary>
    SequenceClass = 1,

    /// <summary>O values per sequence (regression at the end): <see cref="SequenceBatch.Values"/> [B*O].</summary>
    SequenceValues = 2,

    /// <summary>O values per timestep (regression per step): <see cref="SequenceBatch.Values"/> [T*B*O].</summary>
    StepValues = 3,
}
