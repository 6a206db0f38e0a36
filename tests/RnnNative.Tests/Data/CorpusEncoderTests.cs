using System.Text;
using RnnNative.Data;
using RnnNative.Text;

namespace RnnNative.Tests.Data;

public sealed class CorpusEncoderTests : IDisposable
{
    private const string Text = "Grüße, 世界! 😀 e\u0301 👩\u200D💻\r\nthe cat and the dog\n";
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-text-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Corpus => [.. Encoding.UTF8.GetBytes(Text + Text), 0xFF, 0xE2, 0x82];

    public static TheoryData<string> Kinds => ["byte", "char", "word", "word-wide"];

    private static Vocabulary Create(string kind) => kind switch
    {
        "byte" => ByteVocabulary.Instance,
        "char" => Utf8CharVocabulary.Build(Corpus),
        "word" => WordVocabulary.Build(Corpus, 100),
        // 300 ids forces 2-byte storage.
        "word-wide" => WordVocabulary.FromTokens([.. WordVocabulary.Build(Corpus, 100).Tokens, .. Enumerable.Range(0, 300).Select(i => $"w{i}")]),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Chunked_encoding_equals_whole_encoding_for_every_chunk_size(string kind)
    {
        Vocabulary vocabulary = Create(kind);
        int[] whole = vocabulary.Encode(Corpus);
        // Chunk sizes 1..13 put chunk edges inside every 2-, 3- and 4-byte character and inside words.
        for (int chunkBytes = 1; chunkBytes <= 13; chunkBytes++)
        {
            TokenSequence tokens = CorpusEncoder.EncodeToMemory(new MemoryStream(Corpus), vocabulary, chunkBytes);
            Assert.Equal(whole, TokenSequenceTests.ReadAll(tokens));
            Assert.Equal(TokenSequence.BytesPerTokenFor(vocabulary.Count), tokens.BytesPerToken);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Memory_mapped_token_file_equals_in_memory_encoding(string kind)
    {
        Vocabulary vocabulary = Create(kind);
        string textPath = Path.Combine(_directory, "corpus.txt");
        File.WriteAllBytes(textPath, Corpus);
        TokenSequence inMemory = CorpusEncoder.EncodeFile(textPath, vocabulary);
        Assert.IsNotType<MappedTokenSequence>(inMemory);
        using TokenSequence mapped = CorpusEncoder.EncodeFile(textPath, vocabulary, inMemoryLimitBytes: 0, chunkBytes: 5);
        Assert.IsType<MappedTokenSequence>(mapped);
        Assert.True(File.Exists(textPath + ".tokens"));
        Assert.Equal(inMemory.VocabularyCount, mapped.VocabularyCount);
        Assert.Equal(inMemory.BytesPerToken, mapped.BytesPerToken);
        Assert.Equal(TokenSequenceTests.ReadAll(inMemory), TokenSequenceTests.ReadAll(mapped));
        Assert.Equal(TokenSequenceTests.ReadAll(inMemory.Slice(7, 9)), TokenSequenceTests.ReadAll(mapped.Slice(7, 9)));
        Assert.Equal(TokenFile.HeaderBytes + mapped.Length * mapped.BytesPerToken, new FileInfo(textPath + ".tokens").Length);
    }

    [Fact]
    public void A_character_not_in_the_vocabulary_is_located_in_the_text_and_in_the_file_whatever_the_chunks()
    {
        Vocabulary vocabulary = Utf8CharVocabulary.Build("ab\nc"u8);
        byte[] text = Encoding.UTF8.GetBytes("ab\nabc\ncabé");
        string path = Path.Combine(_directory, "text.txt");
        File.WriteAllBytes(path, text);
        foreach (int chunkBytes in new[] { 1, 2, 5, 64 })
        {
            CharacterNotInVocabularyException inMemory = Assert.Throws<CharacterNotInVocabularyException>(
                () => CorpusEncoder.EncodeToMemory(new MemoryStream(text), vocabulary, chunkBytes));
            Assert.Equal(10, inMemory.ByteOffset);
            Assert.StartsWith("byte 10 of the text: character 'é' (U+00E9) is not in the vocabulary, which has no <unk>;", inMemory.Message);

            CharacterNotInVocabularyException inFile = Assert.Throws<CharacterNotInVocabularyException>(
                () => CorpusEncoder.EncodeFile(path, vocabulary, chunkBytes: chunkBytes));
            Assert.Equal((path, 3L, 4L), (inFile.Path, inFile.Line, inFile.Column));
            Assert.StartsWith($"'{path}' line 3, column 4: character 'é' (U+00E9)", inFile.Message);
        }
    }

    [Fact]
    public void Reading_a_disposed_mapping_throws()
    {
        string path = Path.Combine(_directory, "a.tokens");
        CorpusEncoder.EncodeToTokenFile(new MemoryStream("abc"u8.ToArray()), ByteVocabulary.Instance, path);
        MappedTokenSequence tokens = MappedTokenSequence.Open(path);
        Assert.Equal([97, 98, 99], TokenSequenceTests.ReadAll(tokens));
        tokens.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tokens.CopyTo(0, new int[1]));
    }

    [Fact]
    public void Truncated_or_corrupt_token_files_are_rejected()
    {
        string path = Path.Combine(_directory, "b.tokens");
        CorpusEncoder.EncodeToTokenFile(new MemoryStream(Corpus), Create("word-wide"), path);
        byte[] file = File.ReadAllBytes(path);
        string broken = Path.Combine(_directory, "broken.tokens");
        foreach (int length in new[] { 0, 10, TokenFile.HeaderBytes - 1, file.Length - 1, file.Length - 2 })
        {
            File.WriteAllBytes(broken, file[..length]);
            Assert.Throws<InvalidDataException>(() => MappedTokenSequence.Open(broken));
        }
        // Header fields only: magic, version, width, reserved, vocabulary count high byte (width mismatch), token count.
        foreach (int offset in new[] { 0, 4, 6, 7, 10, 12, 16, 24 })
        {
            byte[] corrupt = (byte[])file.Clone();
            corrupt[offset] ^= 0x40;
            File.WriteAllBytes(broken, corrupt);
            Assert.Throws<InvalidDataException>(() => MappedTokenSequence.Open(broken));
        }
    }
}
