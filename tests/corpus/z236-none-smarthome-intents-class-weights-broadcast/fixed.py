import os
import tempfile
from collections import Counter

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

INTENTS = ["lights", "thermostat", "music", "timer", "weather", "shopping_list"]

COMMANDS = [
    ("turn off the kitchen lights", "lights"), ("dim the bedroom lamp to half", "lights"),
    ("switch on the porch light", "lights"), ("make the living room brighter", "lights"),
    ("lights off everywhere", "lights"), ("turn the hallway light on", "lights"),
    ("set the heating to twenty one degrees", "thermostat"), ("make it warmer in here", "thermostat"),
    ("turn the air conditioning down", "thermostat"), ("what is the thermostat set to", "thermostat"),
    ("play some jazz in the kitchen", "music"), ("skip this song", "music"),
    ("turn the music up", "music"), ("play my morning playlist", "music"),
    ("pause the music", "music"), ("play something relaxing", "music"),
    ("set a timer for ten minutes", "timer"), ("how long is left on the timer", "timer"),
    ("cancel the pasta timer", "timer"),
    ("will it rain tomorrow", "weather"), ("what is the weather like today", "weather"),
    ("do i need an umbrella this afternoon", "weather"),
    ("add milk to the shopping list", "shopping_list"), ("put eggs and bread on my list", "shopping_list"),
    ("what is on my shopping list", "shopping_list"),
]


def write_vocab(sentences, folder):
    words = sorted({w for s in sentences for w in s.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tok):
    def collate(rows):
        utterances = [text for text, _ in rows]
        enc = tok(utterances, padding=True, truncation=True, max_length=24, return_tensors="pt")
        enc["intent_ids"] = torch.tensor([INTENTS.index(intent) for _, intent in rows])
        return enc
    return collate


def inverse_frequency(rows):
    counts = Counter(intent for _, intent in rows)
    freq = torch.tensor([counts[name] for name in INTENTS], dtype=torch.float)
    return freq.sum() / (len(INTENTS) * freq)


def weighted_loss(logits, targets, class_weights):
    per_example = F.cross_entropy(logits, targets, reduction="none")
    return (per_example * class_weights[targets]).mean()


def main():
    torch.manual_seed(11)
    tmp = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab([c for c, _ in COMMANDS], tmp))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(INTENTS))
    model = BertForSequenceClassification(cfg)
    loader = DataLoader(COMMANDS, batch_size=8, shuffle=True, collate_fn=make_collate(tok))
    class_weights = inverse_frequency(COMMANDS)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(3):
        epoch_loss = 0.0
        for enc in loader:
            targets = enc.pop("intent_ids")
            out = model(**enc)
            loss = weighted_loss(out.logits, targets, class_weights)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: weighted loss {epoch_loss / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        enc = make_collate(tok)(COMMANDS[:4])
        enc.pop("intent_ids")
        print([INTENTS[i] for i in model(**enc).logits.argmax(-1).tolist()])


if __name__ == "__main__":
    main()
