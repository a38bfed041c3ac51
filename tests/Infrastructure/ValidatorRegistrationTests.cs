using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Notes.Tests.Infrastructure;

/// <summary>The validation behaviour finds each validator through the container, once: Carter registers none of its own.</summary>
public sealed class ValidatorRegistrationTests(NotesApi api) : IClassFixture<NotesApi>
{
    public static TheoryData<Type> Validators() =>
        [.. typeof(Program).Assembly.GetTypes().Where(type => !type.IsAbstract && typeof(IValidator).IsAssignableFrom(type))];

    [Theory]
    [MemberData(nameof(Validators))]
    public void Should_register_each_validator_exactly_once(Type validator)
    {
        var validated = validator.GetInterfaces()
            .Single(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IValidator<>));

        api.Services.GetServices(validator).Count().ShouldBe(1);
        api.Services.GetServices(validated).Count().ShouldBe(1);
    }

    [Fact]
    public void Should_register_no_validator_untyped()
    {
        api.Services.GetServices<IValidator>().ShouldBeEmpty();
    }
}
