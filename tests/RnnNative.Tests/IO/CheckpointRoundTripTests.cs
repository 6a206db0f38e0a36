using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using RnnNative.IO;

namespace RnnNative.Tests.IO;

public sealed class CheckpointRoundTripTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static float[] Special =>
    [
        0f, -0f, 1f, float.Epsilon, -float.MaxValue, float.PositiveInfinity, float.NegativeInfinity,
        BitConverter.Int32BitsToSingle(0x7FC12345), BitConverter.Int32BitsToSingle(unchecked((int)0xFF800001)),
    ];

    private static CheckpointWriter Sample() => new CheckpointWriter()
        .AddBlob("config", "{\"hidden\":128}"u8)
        .AddBlob("empty blob", [])
        .AddTensor("scalar", [], [3.5f])
        .AddTensor("empty", [0], [])
        .AddTensor("empty rows", [3, 0], [])
        .AddTensor("weight_ih_l0", [2, 3], [1, 2, 3, 4, 5, 6])
        .AddTensor("special", [9], Special)
        .AddTensor("vocabulary/ünïcode ✓", [1, 1, 1], [7f]);

    private static void AssertBitsEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual) =>
        Assert.Equal(Convert.ToHexString(MemoryMarshal.AsBytes(expected)), Convert.ToHexString(MemoryMarshal.AsBytes(actual)));

    [Fact]
    public void Blobs_and_tensors_come_back_bit_for_bit()
    {
        CheckpointReader reader = CheckpointReader.Read(Sample().ToArray());

        Assert.Equal(["config", "empty blob", "scalar", "empty", "empty rows", "weight_ih_l0", "special", "vocabulary/ünïcode ✓"], reader.Names);
        Assert.Equal("{\"hidden\":128}", Encoding.UTF8.GetString(reader.GetBlob("config")));
        Assert.Equal(0, reader.GetBlob("empty blob").Length);
        Assert.Equal([3.5f], reader.GetTensor("scalar", out int[] scalarShape));
        Assert.Empty(scalarShape);
        Assert.Empty(reader.GetTensor("empty", out int[] emptyShape));
        Assert.Equal([0], emptyShape);
        Assert.Empty(reader.GetTensor("empty rows", out int[] emptyRowsShape));
        Assert.Equal([3, 0], emptyRowsShape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], reader.GetTensor("weight_ih_l0", out int[] shape));
        Assert.Equal([2, 3], shape);
        AssertBitsEqual(Special, reader.GetTensor("special", out _));
        Assert.Equal([7f], reader.GetTensor("vocabulary/ünïcode ✓", out int[] unicodeShape));
        Assert.Equal([1, 1, 1], unicodeShape);
        Assert.Equal(new Version(1, 0), reader.FormatVersion);
    }

    [Fact]
    public void Section_table_describes_kinds_shapes_and_aligned_offsets()
    {
        CheckpointReader reader = CheckpointReader.Read(Sample().ToArray());
        CheckpointSection weight = reader.GetSection("weight_ih_l0");
        Assert.Equal(CheckpointSectionKind.Tensor, weight.Kind);
        Assert.Equal(CheckpointDataType.Float32, weight.DataType);
        Assert.Equal([2, 3], weight.Shape);
        Assert.Equal(24, weight.Length);
        Assert.Equal(6, weight.ElementCount);
        Assert.Equal(CheckpointSectionKind.Blob, reader.GetSection("config").Kind);
        Assert.Equal(CheckpointDataType.UInt8, reader.GetSection("config").DataType);
        Assert.All(reader.Sections, s => Assert.Equal(0, s.Offset % 64));
        Assert.True(reader.HasSection("scalar"));
        Assert.False(reader.HasSection("Scalar"));
    }

    [Fact]
    public void A_million_floats_round_trip_through_a_file()
    {
        float[] values = new float[1 << 20];
        var random = new Random(1);
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        string path = Path.Combine(_directory, "large.rnnckpt");
        new CheckpointWriter().AddBlob("head", [9]).AddTensor("embedding", [1024, 1024], values).WriteFileAtomically(path);

        CheckpointReader reader = CheckpointReader.ReadFile(path);
        AssertBitsEqual(values, reader.GetTensor("embedding", out int[] shape));
        Assert.Equal([1024, 1024], shape);
        float[] slice = new float[values.Length + 2];
        reader.ReadTensor("embedding", slice.AsSpan(1, values.Length));
        AssertBitsEqual(values, slice.AsSpan(1, values.Length));
        Assert.Equal(0f, slice[0]);
        Assert.Equal(0f, slice[^1]);
    }

    [Fact]
    public void Same_content_gives_the_same_bytes_every_way_it_is_written()
    {
        byte[] first = Sample().ToArray();
        byte[] second = Sample().ToArray();
        var stream = new MemoryStream();
        Sample().WriteTo(stream);
        string path = Path.Combine(_directory, "same.rnnckpt");
        Sample().WriteFileAtomically(path);

        Assert.Equal(first, second);
        Assert.Equal(first, stream.ToArray());
        Assert.Equal(first, File.ReadAllBytes(path));
        Assert.Equal(first.Length, Sample().Length);
        Assert.NotEqual(first, new CheckpointWriter().AddBlob("config", "{\"hidden\":129}"u8).ToArray());
    }

    [Fact]
    public void Bytes_are_exactly_the_documented_layout()
    {
        byte[] file = new CheckpointWriter().AddBlob("a", [1, 2, 3]).ToArray();

        var expected = new byte[87];
        "RNNCKPT\x1A"u8.CopyTo(expected);
        expected[8] = 1;                                                   // major 1, minor 0, flags 0
        expected[16] = 1;                                                  // one section
        expected[20] = 22;                                                 // table bytes: 2 + 1 + 3 + 8 + 8
        expected[24] = 1;                                                  // name length
        expected[26] = (byte)'a';
        expected[27] = 1;                                                  // kind blob, dtype uint8, rank 0
        expected[30] = 64;                                                 // offset: first 64-byte boundary after 46
        expected[38] = 3;                                                  // length
        expected[64] = 1; expected[65] = 2; expected[66] = 3;              // payload
        BinaryPrimitives.WriteUInt32LittleEndian(expected.AsSpan(67), Crc32C.Compute(expected.AsSpan(0, 67)));
        expected[71] = 87;                                                 // total length
        "RNNCKEND"u8.CopyTo(expected.AsSpan(79));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(file));
    }

    [Fact]
    public void Memory_stream_and_file_loads_agree()
    {
        byte[] bytes = Sample().ToArray();
        string path = Path.Combine(_directory, "agree.rnnckpt");
        File.WriteAllBytes(path, bytes);
        var offsetStream = new MemoryStream([0xEE, 0xEE, .. bytes]) { Position = 2 };

        CheckpointReader[] readers =
        [
            CheckpointReader.Read(bytes),
            CheckpointReader.ReadFile(path),
            CheckpointReader.Read(offsetStream),
            CheckpointReader.Read(new NonSeekableStream(bytes)),
        ];
        foreach (CheckpointReader reader in readers)
        {
            Assert.Equal(readers[0].Sections, reader.Sections, SectionEquals);
            foreach (CheckpointSection section in reader.Sections)
            {
                if (section.Kind == CheckpointSectionKind.Blob)
                    Assert.Equal(readers[0].GetBlob(section.Name).ToArray(), reader.GetBlob(section.Name).ToArray());
                else
                    AssertBitsEqual(readers[0].GetTensor(section.Name, out _), reader.GetTensor(section.Name, out _));
            }
        }
    }

    private static bool SectionEquals(CheckpointSection a, CheckpointSection b) =>
        a.Name == b.Name && a.Kind == b.Kind && a.DataType == b.DataType && a.Shape.SequenceEqual(b.Shape) && a.Offset == b.Offset && a.Length == b.Length;

    [Fact]
    public void An_empty_checkpoint_is_valid()
    {
        byte[] file = new CheckpointWriter().ToArray();
        Assert.Equal(44, file.Length);
        Assert.Empty(CheckpointReader.Read(file).Names);
    }

    [Fact]
    public void A_newer_minor_version_still_loads()
    {
        byte[] file = CheckpointSamples.Forge(CheckpointSamples.Small(), bytes => bytes[10] = 7);
        CheckpointReader reader = CheckpointReader.Read(file);
        Assert.Equal(new Version(1, 7), reader.FormatVersion);
        Assert.Equal([1.5f, -2.25f], reader.GetTensor("cd", out _));
    }

    [Fact]
    public void Missing_or_mistyped_sections_are_named_in_the_error()
    {
        CheckpointReader reader = CheckpointReader.Read(CheckpointSamples.Small());
        var missing = Assert.Throws<CheckpointFormatException>(() => reader.GetBlob("vocab"));
        Assert.Contains("no section 'vocab'", missing.Message);
        Assert.Contains("'ab', 'cd'", missing.Message);
        Assert.Contains("is a tensor, not a blob", Assert.Throws<CheckpointFormatException>(() => reader.GetBlob("cd")).Message);
        Assert.Contains("is a blob, not a tensor", Assert.Throws<CheckpointFormatException>(() => reader.GetTensor("ab", out _)).Message);
        Assert.Throws<ArgumentException>(() => reader.ReadTensor("cd", new float[3]));
    }

    [Fact]
    public void Writer_rejects_what_it_could_not_read_back()
    {
        var writer = new CheckpointWriter().AddBlob("x", [1]);
        Assert.Throws<ArgumentException>(() => writer.AddBlob("x", [2]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("x", [1], [2f]));
        Assert.Throws<ArgumentException>(() => writer.AddBlob("", [1]));
        Assert.Throws<ArgumentException>(() => writer.AddBlob("bad\uD800", [1]));
        Assert.Throws<ArgumentException>(() => writer.AddBlob(new string('n', 1025), [1]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [2, 3], new float[5]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [-1], []));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [1, 1, 1, 1, 1, 1, 1, 1, 1], [1f]));
        Assert.Equal(1, writer.Count);
        writer.AddBlob(new string('n', 1024), [1]);
        Assert.Equal(2, writer.Count);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
