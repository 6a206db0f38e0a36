using RnnNative.Data;
using RnnNative.Datasets;

namespace RnnNative.Tests.Datasets;

public class NumpyTests
{
    [Fact]
    public void Arrays_numpy_wrote_read_back_with_their_shape_and_values()
    {
        NpyArray floats = NpyFormat.Read(new MemoryStream(NpyFixtures.Float32), "a.npy", "a");
        NpyArray integers = NpyFormat.Read(new MemoryStream(NpyFixtures.Int64), "b.npy", "b");
        NpyArray version2 = NpyFormat.Read(new MemoryStream(NpyFixtures.Int32Version2), "c.npy", "c");

        Assert.Equal([2, 3], floats.Shape);
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f], floats.Data);
        Assert.False(floats.IsInteger);
        Assert.Equal([3], integers.Shape);
        Assert.Equal([2f, 0f, 1f], integers.Data);
        Assert.True(integers.IsInteger);
        Assert.Equal([7f, -1f, 3f, 5f], version2.Data);
    }

    [Fact]
    public void The_writer_writes_the_bytes_numpy_writes()
    {
        MemoryStream written = new();

        NpyFormat.Write(written, [0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f], [2, 3]);

        Assert.Equal(NpyFixtures.Float32, written.ToArray());
    }

    [Theory]
    [InlineData(new int[] { 5 })]
    [InlineData(new int[] { 2, 3, 4 })]
    [InlineData(new int[] { 1, 70 })]
    public void Written_arrays_read_back(int[] shape)
    {
        float[] data = [.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => i * 0.5f - 3f)];
        MemoryStream stream = new();

        NpyFormat.Write(stream, data, shape);
        stream.Position = 0;
        NpyArray read = NpyFormat.Read(stream, "p.npy", "p");

        Assert.Equal(shape, read.Shape);
        Assert.Equal(data, read.Data);
        Assert.Equal(0, (stream.Length - data.Length * 4) % 64);   // the header is padded as NumPy pads it
    }

    [Fact]
    public void NaN_is_an_error_naming_the_file_the_array_and_the_index()
    {
        DatasetFormatException e = Assert.Throws<DatasetFormatException>(() => NpyFormat.Read(new MemoryStream(NpyFixtures.Float64WithNaN), "x.npy", "inputs"));

        Assert.Equal("x.npy: array \"inputs\" has NaN at [1, 0]; inputs and targets must be finite (replace or drop those sequences)", e.Message);
        Assert.Equal(0, e.Line);
    }

    [Fact]
    public void Infinity_and_float64_beyond_float32_are_errors()
    {
        MemoryStream infinite = new();
        NpyFormat.Write(infinite, [1f, float.PositiveInfinity], [2]);
        byte[] huge = NpyFixtures.Float64WithNaN;
        BitConverter.TryWriteBytes(huge.AsSpan(huge.Length - 16), 1e300);   // element [1, 0]

        Assert.Contains("has infinity at [1]", Assert.Throws<DatasetFormatException>(() => NpyFormat.Read(new MemoryStream(infinite.ToArray()), "i.npy", "t")).Message);
        Assert.Contains("has 1E+300 (beyond float32) at [1, 0]", Assert.Throws<DatasetFormatException>(() => NpyFormat.Read(new MemoryStream(huge), "h.npy", "t")).Message);
    }

    [Fact]
    public void Fortran_order_big_endian_and_truncated_arrays_are_refused_with_a_reason()
    {
        string fortran = Assert.Throws<DatasetFormatException>(() => NpyFormat.Read(new MemoryStream(NpyFixtures.FortranOrder), "f.npy", "f")).Message;
        string bigEndian = Assert.Throws<DatasetFormatException>(() => NpyFormat.Read(new MemoryStream(NpyFixtures.BigEndian), "b.npy", "b")).Message;
        string truncated = Assert.Throws<DatasetFormatException>(() => NpyFormat.Read(new MemoryStream(NpyFixtures.Float32[..^3]), "t.npy", "t")).Message;
        string notNpy = Assert.Throws<DatasetFormatException>(() => NpyFormat.Read(new MemoryStream(new byte[20]), "n.npy", "n")).Message;

        Assert.Equal("f.npy: array \"f\" is in Fortran order; save np.ascontiguousarray(a) instead", fortran);
        Assert.Equal("b.npy: array \"b\" is big-endian ('>f4'); save it little-endian, e.g. a.astype('<f4')", bigEndian);
        Assert.Equal("t.npy: array \"t\" is truncated: 21 of 24 bytes left", truncated);
        Assert.Contains("is not a .npy array", notNpy);
    }

    [Fact]
    public void An_npz_of_padded_sequences_becomes_a_set_of_their_own_lengths()
    {
        using TempFiles files = new();
        string path = files.Write("data.npz", NpyFixtures.Npz);

        SequenceSet set = NumpyDataset.ReadNpz(path, classTargets: true);

        // inputs = arange(24).reshape(3, 4, 2), lengths (4, 2, 1): sequence i keeps its first length_i timesteps.
        Assert.Equal(TargetKind.SequenceClass, set.Target);
        Assert.Equal(2, set.FeatureSize);
        Assert.Equal([0, 4, 6, 7], set.Offsets);
        Assert.Equal([0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17], set.Features);
        Assert.Equal([2, 0, 1], set.Classes);
    }

    [Fact]
    public void Value_targets_per_sequence_and_per_timestep_keep_the_real_timesteps()
    {
        NpyArray inputs = new("inputs", [2, 3, 1], [1, 2, 3, 4, 5, 6], false);
        NpyArray lengths = new("lengths", [2], [3, 1], true);
        NpyArray perSequence = new("targets", [2, 2], [0.5f, 1.5f, 2.5f, 3.5f], false);
        NpyArray perStep = new("targets", [2, 3, 1], [10, 20, 30, 40, 50, 60], false);

        SequenceSet atEnd = NumpyDataset.FromArrays("d.npz", inputs, perSequence, lengths, classTargets: false);
        SequenceSet everyStep = NumpyDataset.FromArrays("d.npz", inputs, perStep, lengths, classTargets: false);

        Assert.Equal((TargetKind.SequenceValues, 2), (atEnd.Target, atEnd.ValueSize));
        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f], atEnd.Values);
        Assert.Equal([1f, 2, 3, 4], atEnd.Features);
        Assert.Equal((TargetKind.StepValues, 1), (everyStep.Target, everyStep.ValueSize));
        Assert.Equal([10f, 20, 30, 40], everyStep.Values);
    }

    [Fact]
    public void Shapes_that_disagree_and_bad_class_ids_or_lengths_are_errors_naming_the_array()
    {
        NpyArray inputs = new("inputs", [2, 3, 1], new float[6], false);

        string wrongN = Assert.Throws<DatasetFormatException>(() => NumpyDataset.FromArrays("d.npz", inputs, new("targets", [3], new float[3], true), null, true)).Message;
        string fraction = Assert.Throws<DatasetFormatException>(() => NumpyDataset.FromArrays("d.npz", inputs, new("targets", [2], [1, 0.5f], false), null, true)).Message;
        string longLength = Assert.Throws<DatasetFormatException>(() => NumpyDataset.FromArrays("d.npz", inputs, new("targets", [2], [1, 0], true), new("lengths", [2], [1, 4], true), true)).Message;

        Assert.Equal("d.npz: array \"targets\" of shape (3,) must start with N = 2 (the inputs' first dimension)", wrongN);
        Assert.Equal("d.npz: array \"targets\" of shape (2,) has 0.5 at [1]; class targets are integers ≥ 0", fraction);
        Assert.Equal("d.npz: array \"lengths\" of shape (2,) has 4 at [1]; lengths are integers in 1..T = 3", longLength);
    }

    [Fact]
    public void An_npz_without_targets_says_which_array_is_missing()
    {
        using TempFiles files = new();
        string path = files.PathOf("inputs-only.npz");
        using (System.IO.Compression.ZipArchive zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        using (Stream entry = zip.CreateEntry("inputs.npy").Open())
        {
            NpyFormat.Write(entry, [1f, 2f], [1, 2, 1]);
        }

        DatasetFormatException e = Assert.Throws<DatasetFormatException>(() => NumpyDataset.ReadNpz(path, classTargets: false));

        Assert.StartsWith($"{path}: has no array \"targets\"", e.Message);
    }

    [Fact]
    public void Predictions_written_as_npy_read_back()
    {
        using TempFiles files = new();
        string path = files.PathOf("predictions.npy");

        NumpyDataset.WritePredictions(path, [0.1f, 0.9f, 0.7f, 0.3f], [2, 2]);

        NpyArray read = NpyFormat.Read(path);
        Assert.Equal("predictions", read.Name);
        Assert.Equal([2, 2], read.Shape);
        Assert.Equal([0.1f, 0.9f, 0.7f, 0.3f], read.Data);
    }
}
