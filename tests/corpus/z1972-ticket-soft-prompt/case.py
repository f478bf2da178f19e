import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

TEAMS = ["billing", "shipping", "account", "technical"]
PROMPT_INIT = "classify this support ticket by team"

TICKETS = [
    ("i was charged twice for my order", "billing"),
    ("the refund has not arrived yet", "billing"),
    ("my package is late and tracking is stuck", "shipping"),
    ("the box arrived damaged", "shipping"),
    ("i cannot reset my password", "account"),
    ("please delete my account", "account"),
    ("the app crashes when i open it", "technical"),
    ("the page shows an error after login", "technical"),
]

WORDS = sorted({w for text, _ in TICKETS for w in text.split()}
               | {"classify", "support", "by", "team", "tick", "##et"})


def build_tokenizer(workdir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class SoftPrompt(nn.Module):
    def __init__(self, word_embeddings, init_ids):
        super().__init__()
        init = word_embeddings.weight[init_ids].detach().clone()
        self.vectors = nn.Parameter(init)

    def forward(self, batch_size):
        return self.vectors.unsqueeze(0).expand(batch_size, -1, -1)


class PromptedRouter(nn.Module):
    def __init__(self, encoder, prompt_ids, n_teams):
        super().__init__()
        self.encoder = encoder
        for p in self.encoder.parameters():
            p.requires_grad = False
        self.prompt = SoftPrompt(encoder.embeddings.word_embeddings, prompt_ids)
        self.head = nn.Linear(encoder.config.hidden_size, n_teams)

    def forward(self, token_ids, ticket_mask):
        word_vecs = self.encoder.embeddings.word_embeddings(token_ids)
        prompt_vecs = self.prompt(token_ids.size(0))
        embeds = torch.cat([prompt_vecs, word_vecs], dim=1)
        out = self.encoder(inputs_embeds=embeds, attention_mask=ticket_mask)
        hidden = out.last_hidden_state
        weights = ticket_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.head(pooled)


def collate(tokenizer, rows, n_virtual):
    texts = [text for text, _ in rows]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=32,
                    return_tensors="pt")
    prefix_mask = torch.ones(len(rows), n_virtual, dtype=enc["attention_mask"].dtype)
    ticket_mask = torch.cat([prefix_mask, enc["attention_mask"]], dim=1)
    targets = torch.tensor([TEAMS.index(team) for _, team in rows])
    return enc["input_ids"], ticket_mask, targets


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32,
                        num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(config)

    prompt_ids = tokenizer(PROMPT_INIT, add_special_tokens=False)["input_ids"]
    n_virtual = len(PROMPT_INIT.split())
    model = PromptedRouter(encoder, torch.tensor(prompt_ids), len(TEAMS))

    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    print(f"prompt tokens: {len(prompt_ids)}, trainable params: "
          f"{sum(p.numel() for p in trainable)}")

    model.train()
    for epoch in range(3):
        total = 0.0
        for start in range(0, len(TICKETS), 4):
            rows = TICKETS[start:start + 4]
            token_ids, ticket_mask, targets = collate(tokenizer, rows, n_virtual)
            logits = model(token_ids, ticket_mask)
            loss = loss_fn(logits, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        token_ids, ticket_mask, targets = collate(tokenizer, TICKETS, n_virtual)
        preds = model(token_ids, ticket_mask).argmax(-1)
    acc = (preds == targets).float().mean().item()
    print(f"train accuracy: {acc:.2f}")


if __name__ == "__main__":
    main()
