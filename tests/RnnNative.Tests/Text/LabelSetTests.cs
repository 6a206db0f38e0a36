using RnnNative.Text;

namespace RnnNative.Tests.Text;

public class LabelSetTests
{
    [Fact]
    public void Collected_labels_are_numbered_in_ordinal_order_whatever_the_order_seen()
    {
        LabelSet a = LabelSet.Collect(["O", "B-city", "O", "I-city", "b-low"]);
        LabelSet b = LabelSet.Collect(["I-city", "b-low", "B-city", "O"]);

        Assert.Equal(["B-city", "I-city", "O", "b-low"], a.Names);
        Assert.Equal(a.Names, b.Names);
        Assert.Equal(2, a.IdOf("O"));
        Assert.Equal("I-city", a[1]);
    }

    [Fact]
    public void An_unknown_label_is_minus_one_or_an_error_listing_the_set()
    {
        LabelSet set = LabelSet.FromNames(["pos", "neg"]);

        Assert.Equal(-1, set.IdOf("mixed"));
        Assert.Equal(1, set.GetId("neg"));
        Assert.Equal("label \"mixed\" is not one of the 2 labels seen in training (pos, neg)", Assert.Throws<KeyNotFoundException>(() => set.GetId("mixed")).Message);
        Assert.Throws<ArgumentException>(() => LabelSet.FromNames(["a", "a"]));
    }

    [Fact]
    public void Serialized_sets_read_back_and_corruption_is_detected()
    {
        LabelSet set = LabelSet.FromNames(["O", "B-città", "I-城市"]);

        byte[] bytes = set.Serialize();
        byte[] corrupt = [.. bytes];
        corrupt[12] ^= 1;

        Assert.Equal(set.Names, LabelSet.Deserialize(bytes).Names);
        Assert.Empty(LabelSet.Deserialize(LabelSet.FromNames([]).Serialize()).Names);
        Assert.Contains("CRC-32C", Assert.Throws<InvalidDataException>(() => LabelSet.Deserialize(corrupt)).Message);
        Assert.Throws<InvalidDataException>(() => LabelSet.Deserialize(bytes[..^5]));
        Assert.Throws<InvalidDataException>(() => LabelSet.Deserialize([.. bytes, 0]));
    }
}
