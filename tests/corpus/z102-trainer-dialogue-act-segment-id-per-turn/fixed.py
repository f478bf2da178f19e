"""Dialogue-act classification of the last turn given the conversation history (BERT + HF Trainer)."""
import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

ACTS = ["inform", "request", "confirm", "thank"]
CONVERSATIONS = [
    (["hi i need a taxi", "where are you going", "to the station please"], "inform"),
    (["book a table for two", "what time", "at seven", "is that tonight"], "request"),
    (["i lost my card", "which card is it", "the blue one", "ok it is blocked", "thanks a lot"], "thank"),
    (["can you check my order", "yes it ships today"], "confirm"),
    (["what time do you open", "at nine", "and on sunday", "at ten", "great thanks"], "thank"),
    (["i want to change my seat", "which flight", "the one to rome"], "inform"),
]
MAX_TOKENS = 48


def write_vocab(folder):
    words = sorted({w for turns, _ in CONVERSATIONS for t in turns for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_dialogue(tokenizer, turns):
    """[CLS] turn_0 [SEP] turn_1 [SEP] ... with alternating segment ids (0, 1, 0, ...)."""
    ids, segments = [tokenizer.cls_token_id], [0]
    for turn_idx, turn in enumerate(turns):
        piece_ids = tokenizer.encode(turn, add_special_tokens=False) + [tokenizer.sep_token_id]
        ids += piece_ids
        segments += [turn_idx % 2] * len(piece_ids)  # BERT has 2 segment types: alternate them
    return ids[:MAX_TOKENS], segments[:MAX_TOKENS]


class DialogueActData(torch.utils.data.Dataset):
    def __init__(self, tokenizer, conversations):
        self.items = []
        for turns, act in conversations:
            ids, segs = encode_dialogue(tokenizer, turns)
            self.items.append({"ids": ids, "segs": segs, "act": ACTS.index(act)})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_dialogues(batch):
    ids = pad_sequence([torch.tensor(b["ids"]) for b in batch], batch_first=True, padding_value=0)
    segs = pad_sequence([torch.tensor(b["segs"]) for b in batch], batch_first=True, padding_value=0)
    return {"input_ids": ids, "token_type_ids": segs, "attention_mask": (ids != 0).long(),
            "labels": torch.tensor([b["act"] for b in batch])}


if __name__ == "__main__":
    torch.manual_seed(0)
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(tmp))
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(ACTS))
    model = BertForSequenceClassification(cfg)
    args = TrainingArguments(output_dir=tmp, per_device_train_batch_size=3, max_steps=4, report_to=[],
                             use_cpu=True, save_strategy="no", disable_tqdm=True, seed=0,
                             remove_unused_columns=False)
    trainer = Trainer(model=model, args=args, train_dataset=DialogueActData(tokenizer, CONVERSATIONS),
                      data_collator=pad_dialogues)
    print(trainer.train().training_loss)
