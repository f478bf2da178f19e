"""Account-level card fraud detection: a tiny BERT over each account's recent transaction events."""
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(11)
random.seed(11)

MCC_CODES = ["5411", "5812", "5541", "4111", "5999", "6011", "7995", "5732", "4829", "5944", "5311", "4511"]
AMOUNT_BINS = ["a0", "a1", "a2", "a3", "a4", "a5"]
CHANNELS = ["pos", "ecom", "atm", "moto"]
MAX_HISTORY = 40
BATCH_ACCOUNTS = 16


def build_event_vocab():
    specials = ["[PAD]", "[CLS]", "[UNK]"]
    events = [f"{m}|{a}|{c}" for m in MCC_CODES for a in AMOUNT_BINS for c in CHANNELS]
    return {tok: i for i, tok in enumerate(specials + events)}


def synth_accounts(n):
    accounts = []
    for acct_no in range(n):
        compromised = random.random() < 0.25
        n_events = random.randint(5, 30)
        history = []
        for _ in range(n_events):
            mcc = random.choice(MCC_CODES)
            amt = random.choice(AMOUNT_BINS[:4])
            chan = random.choice(CHANNELS[:2])
            history.append(f"{mcc}|{amt}|{chan}")
        if compromised:
            burst = random.randint(3, 6)
            for _ in range(burst):
                history.append(f"{random.choice(['4829', '7995', '5944'])}|{random.choice(AMOUNT_BINS[4:])}|ecom")
        accounts.append({"account": f"ACC{acct_no:05d}", "events": history, "label": int(compromised)})
    return accounts


def collate_accounts(accounts, vocab):
    encoded = []
    for acct in accounts:
        recent = acct["events"][-(MAX_HISTORY - 1):]
        ids = [vocab["[CLS]"]] + [vocab.get(e, vocab["[UNK]"]) for e in recent]
        encoded.append(ids)
    lengths = torch.tensor([len(ids) for ids in encoded])
    longest = int(lengths.max())
    event_ids = torch.full((len(encoded), longest), vocab["[PAD]"], dtype=torch.long)
    for row, ids in enumerate(encoded):
        event_ids[row, : len(ids)] = torch.tensor(ids)
    history_mask = (torch.arange(longest)[None, :] < lengths[:, None]).long()
    labels = torch.tensor([a["label"] for a in accounts], dtype=torch.float32)
    return event_ids, history_mask, labels


class AccountFraudModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            pad_token_id=0,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.scorer = nn.Linear(cfg.hidden_size, 1)

    def forward(self, event_ids, history_mask):
        out = self.encoder(input_ids=event_ids, attention_mask=history_mask)
        cls_state = out.last_hidden_state[:, 0]
        return self.scorer(cls_state).squeeze(-1)


def main():
    vocab = build_event_vocab()
    accounts = synth_accounts(400)
    random.shuffle(accounts)
    split = int(0.8 * len(accounts))
    train_accts, test_accts = accounts[:split], accounts[split:]

    model = AccountFraudModel(len(vocab))
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.BCEWithLogitsLoss()

    for epoch in range(1):
        model.train()
        random.shuffle(train_accts)
        running = 0.0
        for start in range(0, len(train_accts), BATCH_ACCOUNTS):
            chunk = train_accts[start:start + BATCH_ACCOUNTS]
            event_ids, history_mask, labels = collate_accounts(chunk, vocab)
            optim.zero_grad()
            loss = criterion(model(event_ids, history_mask), labels)
            loss.backward()
            optim.step()
            running += loss.item() * len(chunk)

        model.eval()
        correct = 0
        with torch.no_grad():
            for start in range(0, len(test_accts), BATCH_ACCOUNTS):
                chunk = test_accts[start:start + BATCH_ACCOUNTS]
                event_ids, history_mask, labels = collate_accounts(chunk, vocab)
                preds = (model(event_ids, history_mask) > 0).float()
                correct += (preds == labels).sum().item()
        print(f"epoch {epoch}: train loss {running / len(train_accts):.4f}, "
              f"test acc {correct / len(test_accts):.3f}")


if __name__ == "__main__":
    main()
