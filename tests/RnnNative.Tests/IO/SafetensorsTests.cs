using System.Buffers.Binary;
using System.Text;
using RnnNative.IO;

namespace RnnNative.Tests.IO;

public class SafetensorsTests
{
    /// <summary>A file with <paramref name="header"/> verbatim (no padding) and <paramref name="bufferBytes"/> bytes 0, 1, 2, ...</summary>
    private static byte[] Forge(string header, int bufferBytes, ulong? headerLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        byte[] file = new byte[8 + json.Length + bufferBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength ?? (ulong)json.Length);
        json.CopyTo(file, 8);
        for (int i = 0; i < bufferBytes; i++) file[8 + json.Length + i] = (byte)i;
        return file;
    }

    private static string Rejects(byte[] file) => Assert.Throws<CheckpointFormatException>(() => SafetensorsReader.Read(file)).Message;

    private static byte[] Sample() => new SafetensorsWriter()
        .SetMetadata("note", "ünïcode & <json> \"quotes\"")
        .AddTensor("a", [2, 3], [1f, -2f, 3.5f, float.Epsilon, float.MaxValue, -0f])
        .AddTensor("b.bias", [1], [float.NaN])
        .AddTensor("scalar", [], [42f])
        .AddTensor("empty", [0, 4], [])
        .ToArray();

    [Fact]
    public void Written_files_read_back_bit_exactly_with_metadata()
    {
        SafetensorsReader reader = SafetensorsReader.Read(Sample());
        Assert.Equal("ünïcode & <json> \"quotes\"", reader.Metadata["note"]);
        Assert.Equal([1f, -2f, 3.5f, float.Epsilon, float.MaxValue, -0f], reader.GetFloats("a"));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(reader.GetFloats("a")[5]));
        Assert.Equal(BitConverter.SingleToInt32Bits(float.NaN), BitConverter.SingleToInt32Bits(reader.GetFloats("b.bias")[0]));
        Assert.Equal([42f], reader.GetFloats("scalar"));
        Assert.Empty(reader.Get("scalar").Shape);
        Assert.Equal([0L, 4L], reader.Get("empty").Shape);
        Assert.Equal(["a", "b.bias", "scalar", "empty"], reader.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void The_header_is_space_padded_to_8_bytes_and_offsets_start_at_the_buffer()
    {
        byte[] file = Sample();
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, n % 8);
        string header = Encoding.UTF8.GetString(file, 8, (int)n);
        Assert.Matches("^\\{.*\\} {0,7}$", header);
        Assert.Contains("\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", header);
        Assert.Contains("\"b.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}", header);
        Assert.Equal(8 + (long)n + 32, file.Length);
        Assert.Equal(1f, BitConverter.ToSingle(file, 8 + (int)n));
    }

    [Fact]
    public void Files_are_written_atomically_and_read_from_disk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnn-st-{Guid.NewGuid():N}.safetensors");
        try
        {
            new SafetensorsWriter().AddTensor("x", [2], [1f, 2f]).WriteFileAtomically(path);
            Assert.Equal([1f, 2f], SafetensorsReader.ReadFile(path).GetFloats("x"));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_foreign_file_with_half_precision_is_widened_exactly()
    {
        // F16 1.5 = 0x3E00, -2 = 0xC000; BF16 1.5 = 0x3FC0, -2 = 0xC000.
        byte[] file = Forge("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}", 8);
        int buffer = file.Length - 8;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(buffer), 0x3E00);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(buffer + 2), 0xC000);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(buffer + 4), 0x3FC0);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(buffer + 6), 0xC000);
        SafetensorsReader reader = SafetensorsReader.Read(file);
        Assert.Equal([1.5f, -2f], reader.GetFloats("h"));
        Assert.Equal([1.5f, -2f], reader.GetFloats("b"));
    }

    [Fact]
    public void Other_dtypes_are_parsed_but_not_read_as_floats()
    {
        SafetensorsReader reader = SafetensorsReader.Read(Forge("{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16));
        string message = Assert.Throws<CheckpointFormatException>(() => reader.GetFloats("ids")).Message;
        Assert.Contains("dtype I64", message);
        Assert.Contains("only F32", message);
    }

    [Fact]
    public void Too_short_and_oversized_header_lengths_are_rejected()
    {
        Assert.Contains("shorter than the 8-byte header length", Rejects([1, 0, 0]));
        Assert.Contains("runs past the end of the file", Rejects(Forge("{}", 0, headerLength: 3)));
        Assert.Contains("runs past the end of the file", Rejects(Sample()[..20]));
        Assert.Contains("absurdly large", Rejects(Forge("{}", 0, headerLength: ulong.MaxValue)));
        Assert.Contains("absurdly large", Rejects(Forge("{}", 0, headerLength: 100_000_001)));
    }

    [Fact]
    public void Invalid_utf8_in_the_header_is_a_format_error()
    {
        byte[] file = Forge("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        file[8 + 2] = 0xFF;   // inside the name "a"
        Assert.Contains("not valid UTF-8", Rejects(file));
    }

    [Fact]
    public void A_device_without_end_is_read_by_its_length_not_forever()
    {
        if (!File.Exists("/dev/zero")) return;
        string message = Assert.Throws<CheckpointFormatException>(() => SafetensorsReader.ReadFile("/dev/zero")).Message;
        Assert.Contains("shorter than the 8-byte header length", message);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "not valid JSON")]
    [InlineData("not json at all!", "not valid JSON")]
    [InlineData("[1, 2]", "not an object")]
    [InlineData("{\"a\":[1]}", "not described by a JSON object")]
    [InlineData("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "no \"dtype\"")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "no \"shape\"")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "no \"data_offsets\"")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "expected non-negative integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "expected non-negative integers")]
    [InlineData("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", "unknown dtype \"Q4\"")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", "end before they begin")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", "8 bytes, but its data_offsets [0, 4] span 4")]
    [InlineData("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", "F16 [1], 2 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", "impossibly large shape")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "names 'a' twice")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", "overlap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "overlap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "bytes [0, 4) of the safetensors buffer belong to no tensor")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", "ends at byte 12 of the buffer, which has only 8 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "4 trailing bytes")]
    [InlineData("{\"__metadata__\":{\"n\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "allows only strings")]
    [InlineData("{\"__metadata__\":[\"x\"],\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "not a JSON object of strings")]
    public void Malformed_headers_are_rejected_with_the_reason(string header, string reason)
    {
        Assert.Contains(reason, Rejects(Forge(header, 8)));
    }

    [Fact]
    public void A_valid_forged_file_is_accepted_so_the_rejections_above_are_about_their_defect()
    {
        SafetensorsReader reader = SafetensorsReader.Read(Forge("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}   ", 8));
        Assert.Equal(["a", "b"], reader.Tensors.Select(t => t.Name));
        Assert.Empty(reader.Metadata);
    }

    [Fact]
    public void The_writer_refuses_inconsistent_tensors()
    {
        SafetensorsWriter writer = new SafetensorsWriter().AddTensor("a", [1], [1f]);
        Assert.Contains("already added", Assert.Throws<ArgumentException>(() => writer.AddTensor("a", [1], [1f])).Message);
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => writer.AddTensor("__metadata__", [1], [1f])).Message);
        Assert.Contains("has 6 elements, but 5", Assert.Throws<ArgumentException>(() => writer.AddTensor("b", [2, 3], new float[5])).Message);
    }
}
