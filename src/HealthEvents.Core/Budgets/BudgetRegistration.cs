using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.DependencyInjection;

namespace HealthEvents.Core.Budgets;

public static class BudgetRegistration
{
    /// <summary>The budget service (<see cref="GraphBudget"/>) and the Graph client's gate onto it.</summary>
    public static IServiceCollection AddGraphBudget(this IServiceCollection services)
    {
        services.AddOptions<BudgetOptions>()
            .BindConfiguration(BudgetOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<GraphBudget>();
        services.AddSingleton<TokenRefusals>();
        services.AddSingleton<IGraphCallGate, BudgetCallGate>();
        return services;
    }
}
