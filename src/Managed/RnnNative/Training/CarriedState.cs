namespace RnnNative.Training;

/// <summary>
/// What a task carries from one batch to the next, as a <see cref="Runs.TrainingSnapshot"/> stores it
/// (<see cref="Runs.TrainingSnapshot.Hidden"/>, <see cref="Runs.TrainingSnapshot.Cell"/>): the language
/// model's hidden and cell state [L, B, H]; <see cref="None"/> for a task whose batches are independent.
/// </summary>
/// <param name="Hidden">The hidden state, copied.</param>
/// <param name="Cell">The cell state, copied; empty for a cell without one.</param>
public readonly record struct CarriedState(float[] Hidden, float[] Cell)
{
    /// <summary>No state: every batch starts from zero.</summary>
    public static CarriedState None => new([], []);
}
