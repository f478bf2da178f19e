# hive inspection notes -> colony status
# quick experiment, 3 segments: hive tag | inspector note | weather
import os, tempfile
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

words = """hive a b c north south east yard queen seen not no eggs larvae brood capped
drones swarm cells cups queenless laying worker spotty pattern honey stores light heavy
calm aggressive bees many few frames full empty sunny cloudy rain warm cold wind windy
mild temp high low""".split()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words

d = tempfile.mkdtemp()
p = os.path.join(d, "vocab.txt")
with open(p, "w") as f:
    f.write("\n".join(vocab) + "\n")
tok = BertTokenizer(p)
print("vocab", len(tok))

data = [
    ("hive a north", "queen seen eggs larvae capped brood honey stores heavy", "sunny warm calm", 0),
    ("hive b yard", "no eggs no queen seen laying worker spotty pattern", "cloudy mild", 1),
    ("hive c east", "swarm cells many drones frames full bees many", "sunny warm", 2),
    ("hive a south", "queen cups capped brood stores light", "rain cold wind", 0),
    ("hive b north", "queenless aggressive bees few eggs", "windy cold", 1),
    ("hive c yard", "swarm cells capped queen cells frames full", "warm high temp", 2),
    ("hive a east", "eggs larvae honey stores heavy calm", "mild cloudy", 0),
    ("hive b south", "laying worker drones spotty pattern no eggs", "sunny", 1),
]
names = ["ok", "queenless", "swarming"]

def enc3(a, b, c):
    ids = [tok.cls_token_id]
    tt = [0]
    for seg, s in enumerate([a, b, c]):
        pieces = tok.convert_tokens_to_ids(tok.tokenize(s)) + [tok.sep_token_id]
        ids += pieces
        tt += [seg] * len(pieces)
    return ids, tt

rows = [enc3(a, b, c) for a, b, c, _ in data]
L = max(len(r[0]) for r in rows)
print("max len", L)

x = torch.zeros(len(rows), L, dtype=torch.long)
tt = torch.zeros(len(rows), L, dtype=torch.long)
am = torch.zeros(len(rows), L, dtype=torch.long)
for i, (ids, t) in enumerate(rows):
    x[i, : len(ids)] = torch.tensor(ids)
    tt[i, : len(t)] = torch.tensor(t)
    am[i, : len(ids)] = 1
y = torch.tensor([r[-1] for r in data])
# print(x[0], tt[0])

cfg = BertConfig(
    vocab_size=len(tok),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=3,
    num_labels=len(names),
)
m = BertForSequenceClassification(cfg)
opt = torch.optim.AdamW(m.parameters(), lr=3e-4)
# opt = torch.optim.SGD(m.parameters(), lr=0.01)

bs = 4
m.train()
for ep in range(3):
    tot = 0.0
    for s in range(0, len(x), bs):
        out = m(input_ids=x[s:s + bs], attention_mask=am[s:s + bs],
                token_type_ids=tt[s:s + bs], labels=y[s:s + bs])
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        tot += out.loss.item()
    print("ep", ep, "loss", round(tot, 4))

m.eval()
with torch.no_grad():
    lg = m(input_ids=x, attention_mask=am, token_type_ids=tt).logits
pred = lg.argmax(-1)
print("pred", [names[i] for i in pred.tolist()])
print("acc", (pred == y).float().mean().item())
