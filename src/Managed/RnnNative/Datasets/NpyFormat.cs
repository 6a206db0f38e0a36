using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RnnNative.Datasets;

/// <summary>
/// The NumPy .npy format (numpy.lib.format): magic "\x93NUMPY", version 1.0 (uint16 header length) or
/// 2.0/3.0 (uint32), a Python dict literal header with 'descr', 'fortran_order' and 'shape', then the
/// raw elements. Read: little-endian '&lt;f4', '&lt;f8', '&lt;i4', '&lt;i8' in C order; big-endian and
/// Fortran-order arrays are refused with a message saying how to save them. Every element must be finite:
/// NaN or infinity (or a float64 beyond float32's range) is an error naming the file, array and index,
/// since one NaN would make every loss and gradient NaN. Written: '&lt;f4', version 1.0, the header padded
/// with spaces to a multiple of 64 bytes as NumPy pads it.
/// </summary>
public static partial class NpyFormat
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];   // "\x93NUMPY"

    /// <summary>Reads the .npy file at <paramref name="path"/> as the array named <paramref name="name"/> (default: the file name without extension).</summary>
    public static NpyArray Read(string path, string? name = null)
    {
        using FileStream stream = File.OpenRead(path);
        return Read(stream, path, name ?? Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads one .npy array from <paramref name="stream"/>; <paramref name="file"/> and <paramref name="name"/> name it in errors.</summary>
    /// <exception cref="DatasetFormatException">Not a .npy stream, truncated, an unsupported dtype or order, or a non-finite element.</exception>
    public static NpyArray Read(Stream stream, string file, string name)
    {
        byte[] preamble = ReadBytes(stream, 10, file, name);
        if (!preamble.AsSpan(0, 6).SequenceEqual(Magic)) throw Error(file, name, "is not a .npy array (no \\x93NUMPY magic)");
        byte major = preamble[6];
        int headerLength = major switch
        {
            1 => BinaryPrimitives.ReadUInt16LittleEndian(preamble.AsSpan(8)),
            2 or 3 => checked((int)BinaryPrimitives.ReadUInt32LittleEndian([.. preamble.AsSpan(8), .. ReadBytes(stream, 2, file, name)])),
            _ => throw Error(file, name, $"has .npy format version {major}.{preamble[7]}; this reader knows 1.0, 2.0 and 3.0"),
        };
        string header = Encoding.UTF8.GetString(ReadBytes(stream, headerLength, file, name));
        (string descr, int itemBytes, bool isInteger) = DataType(header, file, name);
        if (FortranOrder().Match(header) is { Success: true } fortran && fortran.Groups[1].Value == "True")
        {
            throw Error(file, name, "is in Fortran order; save np.ascontiguousarray(a) instead");
        }
        int[] shape = Shape(header, file, name);
        long count = 1;
        foreach (int dimension in shape) count = checked(count * dimension);
        if (count * itemBytes > Array.MaxLength) throw Error(file, name, $"has {count} elements, more than this reader holds");
        byte[] raw = ReadBytes(stream, (int)(count * itemBytes), file, name);
        float[] data = new float[count];
        for (int i = 0; i < data.Length; i++)
        {
            ReadOnlySpan<byte> item = raw.AsSpan(i * itemBytes, itemBytes);
            double value = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(item),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(item),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(item),
                _ => BinaryPrimitives.ReadInt64LittleEndian(item),
            };
            data[i] = (float)value;
            if (!float.IsFinite(data[i]))
            {
                string what = double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? "infinity" : $"{value.ToString(CultureInfo.InvariantCulture)} (beyond float32)";
                NpyArray array = new(name, shape, data, isInteger);
                throw Error(file, name, $"has {what} at {array.IndexText(i)}; inputs and targets must be finite (replace or drop those sequences)");
            }
        }
        return new NpyArray(name, shape, data, isInteger);
    }

    /// <summary>Writes <paramref name="data"/> of <paramref name="shape"/> (C order) as a '&lt;f4' .npy array, version 1.0.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long count = 1;
        foreach (int dimension in shape) count *= dimension;
        if (count != data.Length) throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) has {count} elements, the data {data.Length}", nameof(shape));
        string tuple = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape.ToArray())})";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {tuple}, }}";
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;   // magic, version, length, dict, '\n': a multiple of 64
        string header = dict.PadRight(total - 10 - 1) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        Span<byte> item = stackalloc byte[4];
        foreach (float value in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(item, value);
            stream.Write(item);
        }
    }

    private static (string Descr, int ItemBytes, bool IsInteger) DataType(string header, string file, string name)
    {
        string descr = Descr().Match(header) is { Success: true } m ? m.Groups[1].Value : throw Error(file, name, "has no 'descr' in its header");
        return descr switch
        {
            "<f4" => (descr, 4, false),
            "<f8" => (descr, 8, false),
            "<i4" => (descr, 4, true),
            "<i8" => (descr, 8, true),
            _ when descr.StartsWith('>') => throw Error(file, name, $"is big-endian ('{descr}'); save it little-endian, e.g. a.astype('<f4')"),
            _ => throw Error(file, name, $"has dtype '{descr}'; supported: '<f4', '<f8', '<i4', '<i8'"),
        };
    }

    private static int[] Shape(string header, string file, string name)
    {
        Match match = ShapeTuple().Match(header);
        if (!match.Success) throw Error(file, name, "has no 'shape' in its header");
        string[] parts = match.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. parts.Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int d) ? d : throw Error(file, name, $"has shape dimension '{part}'"))];
    }

    private static byte[] ReadBytes(Stream stream, int count, string file, string name)
    {
        byte[] bytes = new byte[count];
        int read = stream.ReadAtLeast(bytes, count, throwOnEndOfStream: false);
        return read == count ? bytes : throw Error(file, name, $"is truncated: {read} of {count} bytes left");
    }

    private static DatasetFormatException Error(string file, string name, string problem) => new(file, 0, $"array \"{name}\" {problem}");

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranOrder();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeTuple();
}
