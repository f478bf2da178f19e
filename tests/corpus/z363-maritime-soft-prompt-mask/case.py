"""Prompt-tuning a frozen BERT encoder to route VHF radio transcripts at a coast-guard station.

Only a handful of soft-prompt vectors and a small classifier are trained; the encoder stays frozen.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

CONFIG = {
    "n_prompt_tokens": 8,
    "max_len": 32,
    "batch_size": 8,
    "lr": 1e-2,
    "steps": 2,
    "seed": 3,
}
ROUTES = ["distress", "navigation_warning", "weather", "routine_traffic"]
PHRASES = {
    "distress": ["mayday", "taking", "on", "water", "engine", "fire", "abandon", "ship", "need", "assistance"],
    "navigation_warning": ["securite", "buoy", "adrift", "unlit", "obstruction", "channel", "dredging", "hazard"],
    "weather": ["gale", "warning", "wind", "force", "visibility", "poor", "swell", "rising", "fog"],
    "routine_traffic": ["radio", "check", "over", "switching", "channel", "arrival", "berth", "pilot", "eta"],
}
FILLER = ["this", "is", "vessel", "position", "north", "west", "miles", "from", "harbour", "repeat", "out"]


def write_vocab(folder):
    words = sorted({w for ws in PHRASES.values() for w in ws} | set(FILLER))
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path, len(tokens)


def fake_transcripts(n, rng):
    data = []
    for _ in range(n):
        route = rng.randrange(len(ROUTES))
        words = rng.sample(PHRASES[ROUTES[route]], 4) + rng.sample(FILLER, rng.randint(2, 7))
        rng.shuffle(words)
        data.append((" ".join(words), route))
    return data


class SoftPromptRouter(nn.Module):
    def __init__(self, encoder, n_prompt_tokens, n_routes):
        super().__init__()
        self.encoder = encoder
        for p in self.encoder.parameters():
            p.requires_grad_(False)
        hidden = encoder.config.hidden_size
        self.prompt = nn.Parameter(torch.randn(n_prompt_tokens, hidden) * 0.02)
        self.classifier = nn.Linear(hidden, n_routes)

    def forward(self, input_ids, attention_mask):
        tok_embeds = self.encoder.embeddings.word_embeddings(input_ids)
        prompt = self.prompt.unsqueeze(0).expand(input_ids.size(0), -1, -1)
        inputs_embeds = torch.cat([prompt, tok_embeds], dim=1)
        out = self.encoder(inputs_embeds=inputs_embeds, attention_mask=attention_mask)
        pooled = out.last_hidden_state[:, : self.prompt.size(0)].mean(dim=1)
        return self.classifier(pooled)


def main():
    rng = random.Random(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    with tempfile.TemporaryDirectory() as tmp:
        vocab_path, vocab_size = write_vocab(tmp)
        tokenizer = BertTokenizer(vocab_path)

    bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = SoftPromptRouter(BertModel(bert_cfg), CONFIG["n_prompt_tokens"], len(ROUTES)).to(device)
    optim = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=CONFIG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    train = fake_transcripts(240, rng)
    model.train()
    for step in range(CONFIG["steps"]):
        batch = rng.sample(train, CONFIG["batch_size"])
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True,
                        max_length=CONFIG["max_len"], return_tensors="pt").to(device)
        logits = model(enc["input_ids"], enc["attention_mask"])
        loss = loss_fn(logits, torch.tensor(labels, device=device))
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 10 == 0:
            print(f"step {step:3d}  loss {loss.item():.4f}")

    model.eval()
    test = fake_transcripts(16, rng)
    texts, labels = zip(*test)
    with torch.no_grad():
        enc = tokenizer(list(texts), padding=True, return_tensors="pt").to(device)
        preds = model(enc["input_ids"], enc["attention_mask"]).argmax(-1).cpu()
    acc = (preds == torch.tensor(labels)).float().mean().item()
    print(f"routing accuracy on held-out transcripts: {acc:.2f}")


if __name__ == "__main__":
    main()
