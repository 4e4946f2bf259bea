using System.Text.Json;
using CityCard.Cards.Application;
using CityCard.Cards.Chip;
using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Simulation.World;
using CityCard.Terminals.Bus;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Door;
using CityCard.Terminals.Kiosk;
using CityCard.Terminals.Outlet;
using CityCard.Terminals.Parameters;
using CityCard.Terminals.Pos;
using CityCard.Terminals.Taxi;

namespace CityCard.Simulation;

public sealed partial class CitySimulation
{
    private void Build()
    {
        RegisterOperators();
        // The city's fares, concessions, discounts and doors become the centre's parameter content; every terminal is
        // installed with the centre's first published file, and later versions come from the centre's publisher too.
        publisher.SetContent(System.Text.Encoding.UTF8.GetBytes(Server.Parameters.ParameterPublisher.FormatContent(Parameters())), "the simulated city");
        var parameters = publisher.FullFile(publisher.Publish()).File;
        var random = Stream("devices");
        for (var route = 0; route < preset.BusRoutes; route++)
        {
            var list = new List<SimTerminal>();
            for (var bus = 0; bus < preset.BusesPerRoute; bus++)
            {
                var terminal = AddTerminal(10_000u + (uint)(route * 100) + (uint)bus, DeviceKind.BusValidator, BusOperator, (ushort)(route + 1), parameters, random);
                terminal.Bus = new BusValidator(terminal.Purchase!);
                list.Add(terminal);
            }

            buses.Add(list);
        }

        for (var m = 0; m < preset.Merchants; m++)
        {
            var terminal = AddTerminal(20_000u + (uint)m, DeviceKind.MerchantPos, MerchantBase + (uint)m, 0, parameters, random);
            terminal.Pos = new MerchantPos(terminal.Purchase!);
            pos.Add(terminal);
        }

        for (var u = 0; u < preset.Universities; u++)
        {
            var terminal = AddTerminal(25_000u + (uint)u, DeviceKind.MerchantPos, CanteenBase + (uint)u, 0, parameters, random);
            terminal.Pos = new MerchantPos(terminal.Purchase!);
            canteens.Add(terminal);
        }

        for (var c = 0; c < preset.TaxiCompanies; c++)
        {
            collectors.Add(AddTerminal(39_000u + (uint)c, DeviceKind.TaxiCollector, TaxiCompanyBase + (uint)c, 0, parameters, random, withPsam: false));
        }

        for (var t = 0; t < preset.Taxis; t++)
        {
            var terminal = AddTerminal(30_000u + (uint)t, DeviceKind.TaxiMeter, TaxiCompanyBase + (uint)(t % preset.TaxiCompanies), (ushort)(t + 1), parameters, random);
            terminal.Taxi = new TaxiMeter(terminal.Purchase!);
            taxis.Add(terminal);
        }

        for (var o = 0; o < preset.Outlets; o++)
        {
            var terminal = AddTerminal(40_000u + (uint)o, DeviceKind.TopUpOutlet, CardCompany, 0, parameters, random);
            terminal.LoadHost = new CentreLoadHost(onlineLoads, terminal.DeviceId);
            terminal.Outlet = new TopUpOutlet(terminal.Core, terminal.LoadHost, terminal.Psam!.Terminal);
            outlets.Add(terminal);
        }

        WriteBills();
        for (var k = 0; k < preset.Kiosks; k++)
        {
            var terminal = AddTerminal(41_000u + (uint)k, DeviceKind.UtilityKiosk, UtilityBase, 0, parameters, random);
            terminal.Kiosk = new UtilityKiosk(terminal.Purchase!, new FileBillService(billsPath));
            kiosks.Add(terminal);
        }

        var places = preset.Universities + preset.Employers;
        for (var p = 0; p < places; p++)
        {
            var operatorId = p < preset.Universities ? CanteenBase + (uint)p : EmployerBase + (uint)(p - preset.Universities);
            var terminal = AddTerminal(42_000u + (uint)p, DeviceKind.DoorReader, operatorId, (ushort)(p + 1), parameters, random, withPsam: false);
            terminal.Door = new DoorReader(terminal.Core);
            doors.Add(terminal);
        }

        var cardRandom = Stream("cards");
        var sales = new List<Clearing.Registry.CardSale>();
        for (var i = 0; i < preset.Cards; i++)
        {
            cards.Add(IssueCard(cardRandom, registerOpening: true, sales));
            if (sales.Count == 5_000 || i == preset.Cards - 1)
            {
                // Cards in circulation before the first day are migrated in bulk, as a card company would.
                registry.SellCards(sales);
                sales.Clear();
            }
        }

        // The holders' details of registered cards, and where the centre's card numbering continues after the migration.
        store.Write(w =>
        {
            foreach (var card in cards)
            {
                w.SaveProfile(Profile(card));
            }

            foreach (var city in new[] { desKeys.HomeCity, sm4Keys.HomeCity }.Distinct())
            {
                w.SetSetting("card-serial-" + city, nextSerial.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return 0;
        });
    }

    private Clearing.Lifecycle.CardProfile Profile(SimCard card) => new()
    {
        Asn = card.Card.Asn,
        Product = card.Type switch
        {
            CardType.Student => "student",
            CardType.Elder => "elderly",
            CardType.Disabled => "disabled",
            CardType.Staff => "staff",
            _ => card.Holder is null ? "anonymous" : "registered",
        },
        HolderName = card.Holder?.Name,
        IdNumber = card.Holder?.IdNumber,
        ValidUntil = FirstDay.AddYears(4),
        ConcessionValidUntil = card.Type is CardType.Student or CardType.Elder or CardType.Disabled ? FirstDay.AddYears(1) : null,
    };

    private void RegisterOperators()
    {
        registry.AddMerchant(BusOperator, "City Bus Company", "transport", 50);
        registry.AddMerchant(CardCompany, "City Card Company outlets", "card services", 0);
        for (var u = 0; u < Utilities.Length; u++)
        {
            registry.AddMerchant(UtilityBase + (uint)u, $"{Utilities[u]} company", "water and power", 20);
        }

        for (var m = 0; m < preset.Merchants; m++)
        {
            var category = Categories[m % Categories.Length];
            registry.AddMerchant(MerchantBase + (uint)m, $"{category} merchant {m + 1}", category, category switch
            {
                "supermarket" or "department store" => 60,
                "restaurant" => 80,
                "fuel" or "gas" => 40,
                "medical" => 30,
                _ => 70,
            });
        }

        for (var c = 0; c < preset.TaxiCompanies; c++)
        {
            registry.AddMerchant(TaxiCompanyBase + (uint)c, $"taxi company {c + 1}", "taxi", 100);
        }

        for (var u = 0; u < preset.Universities; u++)
        {
            registry.AddMerchant(CanteenBase + (uint)u, $"university {u + 1} canteens", "campus", 30);
        }

        for (var e = 0; e < preset.Employers; e++)
        {
            registry.AddMerchant(EmployerBase + (uint)e, $"employer {e + 1}", "employer", 0);
        }
    }

    private SimTerminal AddTerminal(uint deviceId, DeviceKind kind, uint operatorId, ushort line, byte[] parameters, Random random, bool withPsam = true)
    {
        var directory = Path.Combine(output, "terminals", deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        TerminalCore.Install(directory, new TerminalConfig
        {
            DeviceId = deviceId,
            Kind = kind,
            OperatorId = operatorId,
            Line = line,
            UploadKey = Hex.Format(UploadKeys.Derive(desKeys, deviceId)),
            ParameterPublicKey = Hex.Format(ParameterSigningKey.Demo().PublicKeyBytes()),
            BatchMaxRecords = preset.BatchMaxRecords,
            BatchMaxMinutes = 24 * 60,
        }, parameters);
        TimeProvider deviceClock = clock;
        if (random.NextDouble() < faults.ClockSkewRate && kind != DeviceKind.TaxiCollector)
        {
            // Terminals set their clocks from the centre at every upload; between syncs they drift by up to a minute.
            deviceClock = new SkewedClock(clock, TimeSpan.FromSeconds(random.Next(-60, 61)));
            Truth.SkewedTerminals++;
        }

        var core = TerminalCore.Open(directory, deviceClock, durable: false);
        var psam = withPsam ? SoftPsam.Create(new TerminalId(deviceId), [desKeys, sm4Keys]) : null;
        registry.AddDevice(deviceId, kind, operatorId, psam?.Terminal ?? default);
        var terminal = new SimTerminal(deviceId, kind, operatorId, directory, core, psam);
        if (psam is not null)
        {
            terminal.Purchase = new PurchaseTerminal(core, psam, new MaintenanceKeyBlocker(desKeys));
        }

        terminals.Add(terminal);
        return terminal;
    }

    private TerminalParameters Parameters() => new()
    {
        Version = 1,
        PublishedUtc = clock.GetUtcNow(),
        BlacklistVersion = store.Read(r => r.Blacklist(0)).Select(e => e.Version).DefaultIfEmpty(0u).Max(),
        Blacklist = store.Read(r => r.Blacklist(0))
            .GroupBy(e => e.Asn)
            .Where(g => g.OrderBy(e => e.Version).Last().Action == Clearing.Registry.BlacklistAction.Add)
            .Select(g => g.Key.ToString())
            .Order(StringComparer.Ordinal)
            .ToList(),
        Bus = new BusFares
        {
            FlatFareFen = 200,
            TransferWindowMinutes = 90,
            TransferDiscountFen = 100,
            RepeatTapSeconds = 60,
            DistanceLines = Enumerable.Range(1, preset.DistanceRoutes)
                .Select(l => new DistanceLine { Line = (ushort)l, BaseFareFen = 100, BaseStops = 5, PerStopFen = 20, MaxFareFen = 400 })
                .ToList(),
        },
        Concessions =
        [
            new ConcessionRule { CardType = "student", PayPercent = 50 },
            new ConcessionRule { CardType = "elder", PayPercent = 0, OffPeakOnly = true },
            new ConcessionRule { CardType = "disabled", PayPercent = 0 },
        ],
        MerchantDiscounts = Enumerable.Range(0, Math.Max(1, preset.Merchants / 10))
            .Select(m => new MerchantDiscountRule { MerchantId = MerchantBase + (uint)(m * 10), PercentOff = 5, Window = "10:00-14:00" })
            .ToList(),
        Doors = Enumerable.Range(0, preset.Universities + preset.Employers)
            .Select(p => new DoorRule { DoorId = (uint)(p + 1), CardTypes = p < preset.Universities ? ["student", "staff"] : ["staff"] })
            .ToList(),
    };

    private SimCard IssueCard(Random random, bool registerOpening, List<Clearing.Registry.CardSale>? bulk = null, (Asn Asn, SimCard Lost)? replacing = null)
    {
        var index = cards.Count;
        var type = replacing?.Lost.Type ?? PickType(random);
        var algorithm = replacing?.Lost.Algorithm ?? (random.NextDouble() < preset.Sm4Share ? EpAlgorithm.Sm4 : EpAlgorithm.Des);
        var keys = algorithm == EpAlgorithm.Des ? desKeys : sm4Keys;

        // Cards migrated before the first day are numbered here; later ones take the centre's next number.
        var asn = replacing?.Asn ?? (bulk is not null ? AsnNumbering.Create(keys.HomeCity, nextSerial++) : AsnNumbering.Create(keys.HomeCity, store.Write(w => w.NextCardSerial(keys.HomeCity))));
        var card = new CardIssuer(keys).Issue(
            new CardIssueRequest
            {
                Asn = asn,
                CardType = type,
                ValidFrom = FirstDay.AddYears(-1),
                ValidUntil = FirstDay.AddYears(4),
                OverdraftLimit = type == CardType.Staff ? 500 : 0,
            },
            new SoftCardOptions { Random = new SeededRandomSource(unchecked((seed * 31) + index)) });
        var opening = registerOpening ? preset.OpeningBalanceFen.Min + (long)(random.NextDouble() * (preset.OpeningBalanceFen.Max - preset.OpeningBalanceFen.Min)) : 0;
        if (opening > 0)
        {
            // Value loaded before the simulated days: a real load, registered with the centre as the card's opening balance.
            var load = new LoadExchange(loadAuthority, new TerminalId(0x0000_0000_0001)).Load(card, (uint)opening);
            if (!load.IsCompleted)
            {
                throw new InvalidOperationException($"opening load of card {asn} failed: {load}");
            }
        }

        if (replacing is { Lost: var lost })
        {
            // The centre registered the replacement itself (deposit carried over, the old card's value as a pending credit).
            return new SimCard(index, card, type)
            {
                Algorithm = algorithm,
                HomeRoute = lost.HomeRoute,
                HomeStop = lost.HomeStop,
                WorkRoute = lost.WorkRoute,
                WorkStop = lost.WorkStop,
                Community = lost.Community,
                Household = lost.Household,
                Place = lost.Place,
                Holder = lost.Holder,
            };
        }

        var purse = card.Purse;
        var sale = new Clearing.Registry.CardSale(asn, keys.HomeCity, (byte)type, preset.DepositFen, purse.Balance, purse.OfflineCounter, purse.OnlineCounter, CardCompany);
        if (bulk is null)
        {
            registry.SellCards([sale]);
        }
        else
        {
            bulk.Add(sale);
        }

        var holderRandom = Stream("holder", index);
        var registered = type != CardType.Ordinary || holderRandom.NextDouble() < preset.RegisteredShare;
        var home = random.Next(preset.BusRoutes);
        var work = random.NextDouble() < 0.4 ? home : random.Next(preset.BusRoutes);
        return new SimCard(index, card, type)
        {
            Algorithm = algorithm,
            Holder = registered ? new Clearing.Lifecycle.HolderIdentity($"Holder {index + 1}", $"2202{holderRandom.Next(100_000_000):D8}{index % 100_000:D5}X") : null,
            HomeRoute = home,
            HomeStop = random.Next(preset.StopsPerRoute),
            WorkRoute = work,
            WorkStop = random.Next(preset.StopsPerRoute),
            Community = random.Next(preset.Communities),
            Household = random.Next(preset.HouseholdsPerCommunity),
            Place = type == CardType.Student ? random.Next(preset.Universities) : preset.Universities + random.Next(preset.Employers),
        };
    }

    private CardType PickType(Random random)
    {
        var total = preset.CardTypes.Values.Sum();
        var pick = random.NextDouble() * total;
        foreach (var (name, share) in preset.CardTypes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            pick -= share;
            if (pick <= 0)
            {
                return Names(name);
            }
        }

        return CardType.Ordinary;
    }

    private static CardType Names(string name) => name switch
    {
        "student" => CardType.Student,
        "elder" => CardType.Elder,
        "disabled" => CardType.Disabled,
        "staff" => CardType.Staff,
        _ => CardType.Ordinary,
    };

    private void WriteBills()
    {
        var random = Stream("bills");
        var bills = new List<UtilityBill>();
        uint id = 1;
        for (var c = 0; c < preset.Communities; c++)
        {
            for (var h = 0; h < preset.HouseholdsPerCommunity; h++)
            {
                for (var u = 0; u < Utilities.Length; u++)
                {
                    bills.Add(new UtilityBill
                    {
                        BillId = id++,
                        Household = Household(c, h),
                        Utility = Utilities[u],
                        MerchantId = UtilityBase + (uint)u,
                        Period = FirstDay.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                        AmountFen = 1000 + random.Next(15000),
                    });
                }
            }
        }

        File.WriteAllBytes(billsPath, JsonSerializer.SerializeToUtf8Bytes(bills, ParameterFile.JsonOptions));
    }

    private static string Household(int community, int household) => $"C{community + 1:D3}-{household + 1:D4}";
}
