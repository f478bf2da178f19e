# Week 5 exercise: predict wheat yield (tonnes / hectare) from soil + weather measurements
# preprocessing copied from the sklearn lab, model from the pytorch regression tutorial
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(3)
torch.manual_seed(3)

FEATURES = ["nitrogen_ppm", "phosphorus_ppm", "soil_ph", "rain_mm", "avg_temp_c", "sun_hours"]

# ---- fake field survey: 120 plots ----
n_plots = 120
nitrogen = np.random.uniform(10, 60, n_plots)
phosphorus = np.random.uniform(5, 40, n_plots)
soil_ph = np.random.uniform(5.2, 7.8, n_plots)
rain = np.random.uniform(200, 700, n_plots)
temp = np.random.uniform(11, 24, n_plots)
sun = np.random.uniform(900, 1600, n_plots)

yield_t_ha = (
    1.5
    + 0.045 * nitrogen
    + 0.03 * phosphorus
    - 0.6 * np.abs(soil_ph - 6.5)
    + 0.004 * rain
    - 0.05 * np.abs(temp - 17)
    + 0.0008 * sun
    + np.random.normal(0, 0.25, n_plots)
)

field_table = np.column_stack([nitrogen, phosphorus, soil_ph, rain, temp, sun])
print("table shape:", field_table.shape)
print("mean yield: %.2f t/ha" % yield_t_ha.mean())

X_tr, X_te, y_tr, y_te = train_test_split(field_table, yield_t_ha, test_size=0.25, random_state=0)

scaler = StandardScaler()
X_tr_scaled = scaler.fit_transform(X_tr)
X_te_scaled = scaler.transform(X_te)

train_features = torch.from_numpy(X_tr_scaled)
test_features = torch.from_numpy(X_te_scaled)
train_yield = torch.tensor(y_tr, dtype=torch.float32).unsqueeze(1)
test_yield = torch.tensor(y_te, dtype=torch.float32).unsqueeze(1)

train_loader = DataLoader(TensorDataset(train_features, train_yield), batch_size=16, shuffle=True)

yield_net = nn.Sequential(
    nn.Linear(len(FEATURES), 32),
    nn.ReLU(),
    nn.Linear(32, 16),
    nn.ReLU(),
    nn.Linear(16, 1),
)

mse = nn.MSELoss()
optimizer = torch.optim.Adam(yield_net.parameters(), lr=0.01)

history = []
for epoch in range(60):
    yield_net.train()
    batch_losses = []
    for feats, target in train_loader:
        pred = yield_net(feats)
        loss = mse(pred, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.item())
    history.append(sum(batch_losses) / len(batch_losses))
    if (epoch + 1) % 15 == 0:
        print(f"epoch {epoch + 1:3d}  train MSE {history[-1]:.4f}")

# ---- evaluation ----
yield_net.eval()
with torch.no_grad():
    test_pred = yield_net(test_features)
    test_mse = mse(test_pred, test_yield).item()
    ss_res = ((test_pred - test_yield) ** 2).sum()
    ss_tot = ((test_yield - test_yield.mean()) ** 2).sum()
    r2 = 1 - (ss_res / ss_tot).item()
print(f"test MSE: {test_mse:.4f}   RMSE: {test_mse ** 0.5:.3f} t/ha   R^2: {r2:.3f}")

# which feature matters most? (crude: weight magnitude of first layer)
first_w = yield_net[0].weight.detach().abs().sum(dim=0)
for name, w in sorted(zip(FEATURES, first_w.tolist()), key=lambda t: -t[1]):
    print(f"  {name:15s} {w:.3f}")

# predict a new plot
new_plot = np.array([[45.0, 25.0, 6.4, 550.0, 17.5, 1400.0]])
new_scaled = torch.from_numpy(scaler.transform(new_plot))
with torch.no_grad():
    print("predicted yield for new plot: %.2f t/ha" % yield_net(new_scaled).item())
