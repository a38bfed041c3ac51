using System.Net.Sockets;
using FluentValidation;
using FluentValidation.Results;
using JasperFx;
using Notes.Infrastructure.Telemetry;

namespace Notes.Tests.Telemetry;

/// <summary>The naming convention that classifies any slice's results without a line of its own.</summary>
public sealed class UseCaseOutcomeTests
{
    public abstract record Outcome
    {
        public sealed record Updated(int Id) : Outcome;

        public sealed record NotFound : Outcome;

        public sealed record VersionMismatch : Outcome;

        public sealed record PreconditionFailed : Outcome;

        public sealed record NoteConflict : Outcome;

        public sealed record TextInvalid : Outcome;
    }

    [Fact]
    public void Should_classify_what_a_handler_returns_by_its_type_name()
    {
        UseCaseOutcome.OfResult<Outcome>(new Outcome.Updated(1)).ShouldBe("ok");
        UseCaseOutcome.OfResult<Outcome>(new Outcome.NotFound()).ShouldBe("not_found");
        UseCaseOutcome.OfResult<Outcome>(new Outcome.VersionMismatch()).ShouldBe("conflict");
        UseCaseOutcome.OfResult<Outcome>(new Outcome.PreconditionFailed()).ShouldBe("conflict");
        UseCaseOutcome.OfResult<Outcome>(new Outcome.NoteConflict()).ShouldBe("conflict");
        UseCaseOutcome.OfResult<Outcome>(new Outcome.TextInvalid()).ShouldBe("validation");
    }

    [Fact]
    public void Should_take_nothing_found_for_not_found()
    {
        UseCaseOutcome.OfResult<Outcome?>(null).ShouldBe("not_found");
        UseCaseOutcome.OfResult(false).ShouldBe("not_found");
        UseCaseOutcome.OfResult(true).ShouldBe("ok");
        UseCaseOutcome.OfResult<int?>(null).ShouldBe("not_found");
        UseCaseOutcome.OfResult(42).ShouldBe("ok");
        UseCaseOutcome.OfResult<IReadOnlyList<int>>([]).ShouldBe("ok");
    }

    [Fact]
    public void Should_classify_what_a_handler_throws()
    {
        UseCaseOutcome.OfException(new ValidationException([new ValidationFailure("text", "'text' is required.")])).ShouldBe("validation");
        UseCaseOutcome.OfException(new ConcurrencyException(typeof(object), 1)).ShouldBe("conflict");
        UseCaseOutcome.OfException(new InvalidOperationException("relay", new SocketException((int)SocketError.ConnectionRefused))).ShouldBe("unavailable");
        UseCaseOutcome.OfException(new OperationCanceledException()).ShouldBe("cancelled");
        UseCaseOutcome.OfException(new InvalidOperationException("a bug")).ShouldBe("error");
    }
}
