import os
import random

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))

SCENE_TAGS = ["interior", "exterior", "night", "day", "monologue", "ensemble", "fight", "song"]

CHARACTERS = ["hamlet", "ophelia", "horatio", "gertrude", "claudius", "polonius", "laertes", "ghost"]
PLACES = ["castle", "battlements", "hall", "chamber", "graveyard", "garden", "road", "ship"]
WORDS = ["the", "a", "my", "lord", "lady", "night", "day", "sword", "speak", "go", "come",
         "what", "is", "this", "thou", "art", "dead", "king", "queen", "love", "fear", "sing",
         "fight", "enter", "exit", "exeunt", "alone", "all", "torch", "moon", "sun", "light"]

cfg = {
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "ffn": 64,
    "max_positions": 64,
    "batch_size": 4,
    "epochs": 2,
    "lr": 3e-4,
}


def write_vocab(path):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "int.", "ext.", "-", ":", ".", ","]
    tokens += CHARACTERS + PLACES + WORDS
    seen = []
    for t in tokens:
        if t not in seen:
            seen.append(t)
    with open(path, "w") as f:
        f.write("\n".join(seen) + "\n")
    return path


def fake_scene(rng):
    tags = set()
    heading = rng.choice(["int.", "ext."])
    tags.add("interior" if heading == "int." else "exterior")
    tod = rng.choice(["night", "day"])
    tags.add(tod)
    lines = [f"{heading} {rng.choice(PLACES)} - {tod} ."]
    speakers = rng.sample(CHARACTERS, rng.randint(1, 4))
    if len(speakers) >= 3:
        tags.add("ensemble")
    n_lines = rng.randint(2, 5) if len(speakers) > 1 else rng.randint(6, 14)
    if len(speakers) == 1:
        tags.add("monologue")
    for _ in range(n_lines):
        who = rng.choice(speakers)
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 9))]
        if "fight" in words or "sword" in words:
            tags.add("fight")
        if "sing" in words:
            tags.add("song")
        lines.append(f"{who} : " + " ".join(words) + " .")
    return " ".join(lines), sorted(tags)


class ScriptScenes(Dataset):
    def __init__(self, n, seed=0):
        rng = random.Random(seed)
        self.items = [fake_scene(rng) for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        text, tags = self.items[idx]
        target = torch.zeros(len(SCENE_TAGS))
        for t in tags:
            target[SCENE_TAGS.index(t)] = 1.0
        return text, target


class SceneCollator:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def __call__(self, batch):
        texts, targets = zip(*batch)
        enc = self.tok(list(texts), padding=True, return_tensors="pt")
        enc["labels"] = torch.stack(targets)
        return enc


class SceneTagger(nn.Module):
    def __init__(self, bert_cfg, n_tags):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(bert_cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        pooled = out.last_hidden_state[:, 0]
        return self.classifier(self.dropout(pooled))


def main():
    vocab_path = write_vocab(os.path.join(HERE, "script_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg["hidden"],
        num_hidden_layers=cfg["layers"],
        num_attention_heads=cfg["heads"],
        intermediate_size=cfg["ffn"],
        max_position_embeddings=cfg["max_positions"],
    )
    model = SceneTagger(bert_cfg, len(SCENE_TAGS))

    train_ds = ScriptScenes(48, seed=1)
    loader = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True,
                        collate_fn=SceneCollator(tokenizer))

    optim = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.BCEWithLogitsLoss()

    model.train()
    for epoch in range(cfg["epochs"]):
        running = 0.0
        for step, batch in enumerate(loader):
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        text, _ = train_ds[0]
        enc = tokenizer([text], return_tensors="pt")
        probs = torch.sigmoid(model(**enc))[0]
        predicted = [t for t, p in zip(SCENE_TAGS, probs) if p > 0.5]
        print("scene 0 tags:", predicted)


if __name__ == "__main__":
    main()
