using System.Buffers.Binary;
using System.Text;
using RnnNative.IO;

namespace RnnNative.Tests.IO;

/// <summary>A small checkpoint with known byte positions, and a way to forge valid-checksum variants
/// of it, so tests reach the checks that run after the checksum.</summary>
internal static class CheckpointSamples
{
    // Layout of Small() (see CheckpointFormat): header 0..23; entry 0 "ab" at 24..46;
    // entry 1 "cd" at 47..77; blob payload 128..130; tensor payload 192..199; trailer 200..219.
    public const int Length = 220;
    public const int FlagsAt = 12;
    public const int CountAt = 16;
    public const int TableLengthAt = 20;
    public const int Entry0NameAt = 26;
    public const int Entry0KindAt = 28;
    public const int Entry0DataTypeAt = 29;
    public const int Entry0OffsetAt = 31;
    public const int Entry1NameAt = 49;
    public const int Entry1KindAt = 51;
    public const int Entry1DataTypeAt = 52;
    public const int Entry1RankAt = 53;
    public const int Entry1DimensionAt = 54;
    public const int Entry1OffsetAt = 62;
    public const int Entry1LengthAt = 70;

    public static CheckpointWriter SmallWriter() => new CheckpointWriter()
        .AddBlob("ab", [1, 2, 3])
        .AddTensor("cd", [2], [1.5f, -2.25f]);

    public static byte[] Small()
    {
        byte[] file = SmallWriter().ToArray();
        Assert.Equal(Length, file.Length);
        return file;
    }

    /// <summary>A copy of <paramref name="file"/> edited, with trailer length and checksum recomputed.</summary>
    public static byte[] ForgeResized(byte[] file, Func<byte[], byte[]> edit)
    {
        byte[] forged = edit(file.ToArray());
        BinaryPrimitives.WriteUInt64LittleEndian(forged.AsSpan(forged.Length - 16), (ulong)forged.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(forged.AsSpan(forged.Length - 20), Crc32C.Compute(forged.AsSpan(0, forged.Length - 20)));
        return forged;
    }

    public static byte[] Forge(byte[] file, Action<Span<byte>> edit) => ForgeResized(file, bytes =>
    {
        edit(bytes);
        return bytes;
    });

    /// <summary>A model file rewritten section by section with its model.json text edited (a file as
    /// another writer, e.g. a newer or broken one, would have written it).</summary>
    public static byte[] WithModelJson(byte[] file, Func<string, string> edit)
    {
        CheckpointReader reader = CheckpointReader.Read(file);
        CheckpointWriter writer = new();
        foreach (CheckpointSection section in reader.Sections)
        {
            if (section.Kind == CheckpointSectionKind.Blob)
            {
                byte[] blob = reader.GetBlob(section.Name).ToArray();
                writer.AddBlob(section.Name, section.Name == "model.json" ? Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(blob))) : blob);
            }
            else
            {
                float[] values = new float[section.ElementCount];
                reader.ReadTensor(section.Name, values);
                writer.AddTensor(section.Name, [.. section.Shape], values);
            }
        }
        return writer.ToArray();
    }
}
