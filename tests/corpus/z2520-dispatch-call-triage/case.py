import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "dispatch_vocab.txt")

PRIORITY_LABELS = ["P1_life_threat", "P2_urgent", "P3_non_urgent", "P4_info_only"]
SPEAKER_SEGMENT = {"caller": 0, "dispatcher": 1, "interpreter": 2}

CALLER_LINES = {
    "P1_life_threat": ["he is not breathing", "there is a fire and people inside", "she collapsed and is unconscious"],
    "P2_urgent": ["water is coming into the house", "car crash on the highway", "my father fell and is bleeding"],
    "P3_non_urgent": ["a tree is down across the road", "the power is out on our street", "there is a small leak"],
    "P4_info_only": ["where is the nearest shelter", "is the road open", "when will the power come back"],
}
DISPATCHER_LINES = ["what is your address", "is anyone injured", "stay on the line", "help is on the way",
                    "is the person breathing", "are you safe now"]
INTERPRETER_LINES = ["the caller says water is rising", "she says her father fell", "he asks where the shelter is"]


def write_vocab(path):
    words = set()
    for lines in list(CALLER_LINES.values()) + [DISPATCHER_LINES, INTERPRETER_LINES]:
        for line in lines:
            words.update(line.split())
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        for tok in special + sorted(words):
            f.write(tok + "\n")


def synth_transcripts(n):
    calls = []
    for _ in range(n):
        label = random.choice(PRIORITY_LABELS)
        turns = [("dispatcher", "what is your address")]
        language_line = random.random() < 0.3
        turns.append(("caller", random.choice(CALLER_LINES[label])))
        if language_line:
            turns.append(("interpreter", random.choice(INTERPRETER_LINES)))
        for _ in range(random.randint(1, 3)):
            turns.append(("dispatcher", random.choice(DISPATCHER_LINES)))
            turns.append(("caller", random.choice(CALLER_LINES[label])))
        calls.append({"turns": turns, "label": PRIORITY_LABELS.index(label)})
    return calls


def encode_call(tokenizer, turns, max_len):
    input_ids = [tokenizer.cls_token_id]
    token_type_ids = [SPEAKER_SEGMENT[turns[0][0]]]
    for speaker, text in turns:
        ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
        input_ids.extend(ids)
        token_type_ids.extend([SPEAKER_SEGMENT[speaker]] * len(ids))
    input_ids = input_ids[:max_len]
    token_type_ids = token_type_ids[:max_len]
    attention_mask = [1] * len(input_ids)
    pad = max_len - len(input_ids)
    input_ids += [tokenizer.pad_token_id] * pad
    token_type_ids += [0] * pad
    attention_mask += [0] * pad
    return input_ids, token_type_ids, attention_mask


class CallTranscriptDataset(Dataset):
    def __init__(self, calls, tokenizer, max_len=64):
        self.rows = [encode_call(tokenizer, c["turns"], max_len) for c in calls]
        self.labels = [c["label"] for c in calls]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        ids, types, mask = self.rows[idx]
        return {
            "input_ids": torch.tensor(ids),
            "token_type_ids": torch.tensor(types),
            "attention_mask": torch.tensor(mask),
            "labels": torch.tensor(self.labels[idx]),
        }


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    calls = synth_transcripts(64)
    train_ds = CallTranscriptDataset(calls, tokenizer, max_len=64)
    loader = DataLoader(train_ds, batch_size=16, shuffle=True)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(PRIORITY_LABELS),
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(2):
        total, correct, running = 0, 0, 0.0
        for batch in loader:
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            running += out.loss.item() * batch["labels"].size(0)
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            total += batch["labels"].size(0)
        print(f"epoch {epoch}: loss={running / total:.4f} acc={correct / total:.3f}")


if __name__ == "__main__":
    main()
