using Microsoft.Extensions.Time.Testing;
using Surge.Hosting.Security;

namespace Surge.Tests.Security;

/// <summary>The bytes a client proof travels as: what is written is read back, and nothing else is read at all.</summary>
public class ClientProofWireTests
{
    private static readonly ClientProof Whole = new([.. Enumerable.Range(0, 600).Select(i => (byte)i)], 1_790_000_000, [.. Enumerable.Range(0, 71).Select(i => (byte)(i * 3))]);

    [Fact]
    public void FromWire_WhatToWireWrote_ReadsTheSameProof()
    {
        Assert.True(ClientProof.TryFromWire(Whole.ToWire(), out var read));
        Assert.Equal(Whole.Certificate, read.Certificate);
        Assert.Equal(Whole.Signature, read.Signature);
        Assert.Equal(Whole.IssuedAtUnixSeconds, read.IssuedAtUnixSeconds);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 9 })] // another version
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 })] // no signature
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 9 })] // a signature longer than what follows
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 9 })] // no certificate
    public void FromWire_Malformed_IsRefused(byte[] wire) => Assert.False(ClientProof.TryFromWire(wire, out _));

    [Fact]
    public void FromWire_CertificatePastItsBound_IsRefused()
    {
        var huge = Whole with { Certificate = new byte[16 * 1024 + 1] };
        Assert.False(ClientProof.TryFromWire(huge.ToWire(), out _));
    }

    // A time the wire reads fine but no date can hold: refused as any stale proof is, before a certificate is looked at.
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(300_000_000_000L)] // past year 9999
    public void Verify_IssuedAtOutOfRange_IsRefused(long issuedAt)
    {
        Assert.True(ClientProof.TryFromWire((Whole with { IssuedAtUnixSeconds = issuedAt }).ToWire(), out var read));
        Assert.Null(new ClientProofVerifier(null!, new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddSeconds(1_790_000_000))).Verify(read, "surge"));
    }
}
