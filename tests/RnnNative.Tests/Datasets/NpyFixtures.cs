namespace RnnNative.Tests.Datasets;

/// <summary>
/// Bytes NumPy 1.24.2 wrote (python3 with numpy, f an io.BytesIO, the call in each summary), base64-encoded
/// here so the tests need no Python. numpy.save writes version 1.0 headers padded to 64 bytes.
/// </summary>
internal static class NpyFixtures
{
    /// <summary><c>np.save(f, np.arange(6, dtype="&lt;f4").reshape(2, 3) / 4)</c></summary>
    public static byte[] Float32 => Convert.FromBase64String("k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8=");

    /// <summary><c>np.save(f, np.array([[1.0, 2.0], [np.nan, 4.0]], dtype="&lt;f8"))</c></summary>
    public static byte[] Float64WithNaN => Convert.FromBase64String("k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABAAAAAAAAA+H8AAAAAAAAQQA==");

    /// <summary><c>np.save(f, np.array([2, 0, 1], dtype="&lt;i8"))</c></summary>
    public static byte[] Int64 => Convert.FromBase64String("k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoCAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAA=");

    /// <summary><c>np.lib.format.write_array(f, np.array([[7, -1], [3, 5]], dtype="&lt;i4"), version=(2, 0))</c></summary>
    public static byte[] Int32Version2 => Convert.FromBase64String("k05VTVBZAgB0AAAAeydkZXNjcic6ICc8aTQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAA/////wMAAAAFAAAA");

    /// <summary><c>np.save(f, np.asfortranarray(np.arange(6, dtype="&lt;f4").reshape(2, 3)))</c></summary>
    public static byte[] FortranOrder => Convert.FromBase64String("k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQAAAgD8AAIBAAAAAQAAAoEA=");

    /// <summary><c>np.save(f, np.arange(3, dtype=">f4"))</c></summary>
    public static byte[] BigEndian => Convert.FromBase64String("k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAP4AAAEAAAAA=");

    /// <summary><c>np.savez_compressed(f, inputs=np.arange(24, dtype="&lt;f4").reshape(3, 4, 2), targets=np.array([2, 0, 1]), lengths=np.array([4, 2, 1]))</c></summary>
    public static byte[] Npz => Convert.FromBase64String("UEsDBBQAAAAIAAAAIQAyHY/bhwAAAOAAAAAKABQAaW5wdXRzLm5weQEAEADgAAAAAAAAAIcAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNmoq6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaxjoKJjoKRpo6CrUK5AEuBjBosAcSDkAExA1AvACIDwDxAyBmcGRgEABiBSA2AGIHIA4A4gQgLgDiBiDuAOIJQDwDiBcA8Qog3gDEOxwBUEsDBBQAAAAIAAAAIQCKGs4TSgAAAJgAAAALABQAdGFyZ2V0cy5ucHkBABAAmAAAAAAAAABKAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC4mBlTACKUBUEsDBBQAAAAIAAAAIQC5bVMkTQAAAJgAAAALABQAbGVuZ3Rocy5ucHkBABAAmAAAAAAAAABNAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC4WBghggtKMUBoAUEsBAhQDFAAAAAgAAAAhADIdj9uHAAAA4AAAAAoAAAAAAAAAAAAAAIABAAAAAGlucHV0cy5ucHlQSwECFAMUAAAACAAAACEAihrOE0oAAACYAAAACwAAAAAAAAAAAAAAgAHDAAAAdGFyZ2V0cy5ucHlQSwECFAMUAAAACAAAACEAuW1TJE0AAACYAAAACwAAAAAAAAAAAAAAgAFKAQAAbGVuZ3Rocy5ucHlQSwUGAAAAAAMAAwCqAAAA1AEAAAAA");
}
