import tempfile
from collections import Counter

import torch
from torch.utils.data import Dataset
from transformers import (DistilBertConfig, DistilBertForSequenceClassification,
                          Trainer, TrainingArguments)

TICKETS = [
    ("cannot connect to the office vpn from home", "network"),
    ("wifi drops every ten minutes in meeting room b", "network"),
    ("ethernet port near my desk seems dead", "network"),
    ("slow internet when uploading large files to the share", "network"),
    ("vpn client asks for a certificate i never installed", "network"),
    ("dns lookups fail for internal hostnames", "network"),
    ("printer on floor three jams on every duplex job", "hardware"),
    ("laptop battery swells and the trackpad clicks by itself", "hardware"),
    ("second monitor flickers after docking station update", "hardware"),
    ("keyboard missing the letter e key cap", "hardware"),
    ("headset microphone picks up no sound at all", "hardware"),
    ("projector in auditorium shows purple tint", "hardware"),
    ("forgot my password and the reset email never arrives", "account"),
    ("account locked after three failed logins this morning", "account"),
    ("need access to the finance shared mailbox", "account"),
    ("two factor codes from the authenticator app are rejected", "account"),
    ("new hire starting monday needs a directory account", "account"),
    ("please remove former contractor from the admin group", "account"),
    ("spreadsheet app crashes when opening macros", "software"),
    ("license expired for the diagram editor", "software"),
    ("calendar invites show the wrong timezone", "software"),
    ("antivirus quarantined our build tool binary", "software"),
    ("update stuck at forty percent overnight", "software"),
    ("pdf export produces blank pages with embedded fonts", "software"),
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
MAX_LEN = 16
VOCAB_SIZE = 96


def build_vocab(texts, max_size):
    counts = Counter(w for t in texts for w in t.split())
    itos = SPECIALS + [w for w, _ in counts.most_common(max_size)]
    return {w: i for i, w in enumerate(itos)}


def encode(text, vocab):
    ids = [vocab["[CLS]"]] + [vocab.get(w, vocab["[UNK]"]) for w in text.split()][: MAX_LEN - 2] + [vocab["[SEP]"]]
    keep = [1] * len(ids)
    pad = MAX_LEN - len(ids)
    return ids + [vocab["[PAD]"]] * pad, keep + [0] * pad


class TicketSet(Dataset):
    def __init__(self, rows, vocab, queues):
        self.rows = rows
        self.vocab = vocab
        self.queues = queues

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, queue = self.rows[i]
        ids, keep = encode(text, self.vocab)
        return {
            "input_ids": torch.tensor(ids),
            "attention_mask": torch.tensor(keep),
            "labels": torch.tensor(self.queues.index(queue)),
        }


def main():
    queues = sorted({q for _, q in TICKETS})
    vocab = build_vocab([t for t, _ in TICKETS], VOCAB_SIZE)
    train_set = TicketSet(TICKETS, vocab, queues)

    cfg = DistilBertConfig(vocab_size=len(vocab), dim=32, n_layers=1, n_heads=2, hidden_dim=64,
                           max_position_embeddings=32, num_labels=len(queues),
                           pad_token_id=vocab["[PAD]"])
    model = DistilBertForSequenceClassification(cfg)

    with tempfile.TemporaryDirectory() as out_dir:
        args = TrainingArguments(output_dir=out_dir, num_train_epochs=2, per_device_train_batch_size=8,
                                 learning_rate=5e-4, logging_steps=5, disable_tqdm=True, report_to=[],
                                 use_cpu=True, save_strategy="no")
        trainer = Trainer(model=model, args=args, train_dataset=train_set)
        result = trainer.train()
        print("final loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
