import os
import random
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(2024)
torch.manual_seed(2024)

VOCAB_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vocab.txt")
GROUP_SIZE = 8          # 1 positive + 7 mined negatives per query
NUM_GRADES = 5          # 0 = bad ... 4 = perfect
MAX_LEN = 24
QUERIES_PER_STEP = 4
GAINS = torch.tensor([0.0, 1.0, 3.0, 7.0, 15.0])

TOKENS = """running shoes trail road nike adidas asics men women size 10 11 waterproof jacket rain
insulated hooded coffee maker drip espresso machine grinder burr phone case iphone samsung clear
rugged charger cable usb c fast 20w pack of 2 black blue red""".split()


def write_vocab():
    with open(VOCAB_FILE, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(TOKENS)):
            f.write(tok + "\n")


def make_catalog(n=200):
    heads = ["running shoes", "rain jacket", "coffee maker", "phone case", "usb c charger"]
    catalog = []
    for i in range(n):
        head = random.choice(heads)
        extras = random.sample(TOKENS, 3)
        catalog.append({"pid": i, "head": head, "title": f"{head} {' '.join(extras)}"})
    return catalog


def mine_group(query_head, catalog):
    same = [p for p in catalog if p["head"] == query_head]
    other = [p for p in catalog if p["head"] != query_head]
    pos = random.choice(same)
    hard = random.sample([p for p in same if p is not pos], 4)
    easy = random.sample(other, GROUP_SIZE - 5)
    cands = [pos] + hard + easy
    grades = [4] + [random.choice([1, 2, 3]) for _ in hard] + [0] * len(easy)
    order = list(range(GROUP_SIZE))
    random.shuffle(order)
    return [cands[i]["title"] for i in order], [grades[i] for i in order]


def query_stream(catalog, n_steps):
    heads = sorted({p["head"] for p in catalog})
    for _ in range(n_steps):
        batch = defaultdict(list)
        for _ in range(QUERIES_PER_STEP):
            head = random.choice(heads)
            titles, grades = mine_group(head, catalog)
            batch["queries"].append(head + " " + random.choice(["men", "women", "black", "fast"]))
            batch["titles"].append(titles)
            batch["grades"].append(grades)
        yield batch


class GroupCrossEncoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.grade_head = nn.Linear(cfg.hidden_size, NUM_GRADES)

    def forward(self, input_ids, attention_mask, token_type_ids):
        q, g, l = input_ids.shape
        out = self.bert(input_ids=input_ids.view(q * g, l), attention_mask=attention_mask.view(q * g, l),
                        token_type_ids=token_type_ids.view(q * g, l))
        logits = self.grade_head(out.pooler_output)
        return logits.view(q, g, NUM_GRADES)


def encode(tokenizer, batch):
    flat_q = [q for q, ts in zip(batch["queries"], batch["titles"]) for _ in ts]
    flat_t = [t for ts in batch["titles"] for t in ts]
    enc = tokenizer(flat_q, flat_t, padding="max_length", truncation=True, max_length=MAX_LEN,
                    return_tensors="pt")
    return {k: v.view(len(batch["queries"]), GROUP_SIZE, MAX_LEN) for k, v in enc.items()}


def listwise_loss(grade_logits, grades):
    expected_gain = (grade_logits.softmax(-1) * GAINS).sum(-1)
    target = F.softmax(GAINS[grades], dim=-1)
    return -(target * F.log_softmax(expected_gain, dim=-1)).sum(-1).mean()


def main():
    write_vocab()
    tok = BertTokenizer(VOCAB_FILE)
    catalog = make_catalog()
    model = GroupCrossEncoder(tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for step, batch in enumerate(query_stream(catalog, n_steps=30)):
        inputs = encode(tok, batch)
        grades = torch.tensor(batch["grades"], dtype=torch.long)
        grade_logits = model(**inputs)

        pointwise = F.cross_entropy(grade_logits, grades)
        loss = pointwise + 0.5 * listwise_loss(grade_logits, grades)

        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d} loss {loss.item():.4f} ce {pointwise.item():.4f}")


if __name__ == "__main__":
    main()
