"""Fine-tune a small extractive reader on router troubleshooting manual entries.

Each entry is a short manual passage, a support question and the answer text
as it appears in the passage.  Passages are short, so one window per entry.
"""
import os
import re
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(3)

SEQ_LEN = 96

MANUAL = [
    {"passage": "If the WAN light stays amber, the modem has no upstream signal. Check the coaxial cable.",
     "question": "what does an amber WAN light mean?",
     "answer": "the modem has no upstream signal"},
    {"passage": "The default admin password is printed on the label under the device.",
     "question": "where is the default admin password?",
     "answer": "on the label under the device"},
    {"passage": "To restore factory settings, hold the reset button for ten seconds until the power light blinks.",
     "question": "how long must the reset button be held?",
     "answer": "ten seconds"},
    {"passage": "Firmware updates are downloaded automatically every night at 3 am if auto update is enabled.",
     "question": "when are firmware updates downloaded?",
     "answer": "every night at 3 am"},
    {"passage": "Guest networks are isolated from the main LAN, so guests cannot reach shared printers.",
     "question": "can guests reach shared printers?",
     "answer": "guests cannot reach shared printers"},
    {"passage": "Use channel 36 or 149 on the 5 GHz band to avoid radar interference from nearby airports.",
     "question": "which 5 GHz channels avoid radar interference?",
     "answer": "channel 36 or 149"},
]


def build_tokenizer(folder):
    words = set()
    for item in MANUAL:
        words.update(re.findall(r"\w+|[^\w\s]", (item["passage"] + " " + item["question"]).lower()))
    path = os.path.join(folder, "router_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizer(path)


class ManualQADataset(Dataset):
    def __init__(self, tok, entries):
        self.enc = tok(
            [e["question"] for e in entries],
            [e["passage"] for e in entries],
            truncation="only_second",
            max_length=SEQ_LEN,
            padding="max_length",
        )
        self.answer_tokens = []
        for i, entry in enumerate(entries):
            answer_char = entry["passage"].index(entry["answer"])
            answer_char_end = answer_char + len(entry["answer"])
            first_tok = self.enc.char_to_token(i, answer_char, sequence_index=1)
            last_tok = self.enc.char_to_token(i, answer_char_end - 1, sequence_index=1)
            self.answer_tokens.append((first_tok, last_tok))

    def __len__(self):
        return len(self.answer_tokens)

    def __getitem__(self, idx):
        first_tok, last_tok = self.answer_tokens[idx]
        return {
            "input_ids": torch.tensor(self.enc["input_ids"][idx]),
            "token_type_ids": torch.tensor(self.enc["token_type_ids"][idx]),
            "attention_mask": torch.tensor(self.enc["attention_mask"][idx]),
            "start_positions": first_tok,
            "end_positions": last_tok,
        }


def train(reader, loader, epochs=2):
    opt = torch.optim.AdamW(reader.parameters(), lr=2e-4, weight_decay=0.01)
    reader.train()
    for epoch in range(epochs):
        total = 0.0
        for batch in loader:
            out = reader(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch}: mean loss {total / len(loader):.4f}")


def evaluate(reader, tok, dataset):
    reader.eval()
    hits = 0
    with torch.no_grad():
        for idx in range(len(dataset)):
            item = dataset[idx]
            feats = {k: item[k].unsqueeze(0) for k in ("input_ids", "token_type_ids", "attention_mask")}
            out = reader(**feats)
            s = int(out.start_logits.argmax())
            e = int(out.end_logits.argmax())
            hits += int((s, e) == (item["start_positions"], item["end_positions"]))
            print(f"  q{idx}: predicted {tok.decode(item['input_ids'][s:e + 1])!r}")
    print(f"exact span match: {hits}/{len(dataset)}")


def main():
    tok = build_tokenizer(tempfile.mkdtemp(prefix="router_qa_"))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=SEQ_LEN)
    reader = BertForQuestionAnswering(cfg)
    dataset = ManualQADataset(tok, MANUAL)
    loader = DataLoader(dataset, batch_size=3, shuffle=False)
    train(reader, loader)
    evaluate(reader, tok, dataset)


if __name__ == "__main__":
    main()
