import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

TOPICS = ["[HIVE]", "[PEST]", "[HONEY]"]
WORDS = ("the a my colony queen brood frames swarm varroa mites mite treatment oxalic acid "
         "super extract honey harvest jars wax comb drone cells hive box spring autumn "
         "feeding syrup weak strong robbing wasps beetle count after before this week").split()

POSTS = [
    ("[HIVE]", "my colony swarm this spring after the queen cells"),
    ("[PEST]", "varroa mites count after oxalic acid treatment"),
    ("[HONEY]", "extract honey harvest into jars this week"),
    ("[PEST]", "wasps robbing a weak colony"),
    ("[HIVE]", "drone brood frames in the hive box before autumn feeding with syrup"),
    ("[HONEY]", "wax comb from the super"),
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + TOPICS + WORDS) + "\n")
    return path


class ForumPosts(Dataset):
    def __init__(self, posts, tokenizer):
        self.posts = posts
        self.tok = tokenizer

    def __len__(self):
        return len(self.posts)

    def __getitem__(self, i):
        topic, text = self.posts[i]
        enc = self.tok(text, truncation=True, max_length=32)
        cls_id = self.tok.cls_token_id
        topic_id = self.tok.convert_tokens_to_ids(topic)
        ids = [cls_id] + [topic_id] + enc["input_ids"][1:]
        return {"input_ids": torch.tensor(ids),
                "attention_mask": torch.tensor(enc["attention_mask"])}


def collate(items, pad_id=0):
    return {key: pad_sequence([it[key] for it in items], batch_first=True,
                              padding_value=pad_id if key == "input_ids" else 0)
            for key in items[0]}


tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
encoder = BertModel(config).eval()

loader = DataLoader(ForumPosts(POSTS, tokenizer), batch_size=3, collate_fn=collate)

pooled = []
with torch.no_grad():
    for step, batch in enumerate(loader):
        print(f"batch {step}: input_ids {tuple(batch['input_ids'].shape)}")
        out = encoder(**batch)
        pooled.append(out.last_hidden_state[:, 0])

embeddings = torch.cat(pooled)
sims = torch.nn.functional.cosine_similarity(embeddings[:, None], embeddings[None], dim=-1)
for (topic, text), row in zip(POSTS, sims):
    nearest = row.clone()
    nearest[row.argmax()] = -2
    j = int(nearest.argmax())
    print(f"{topic:8} {text[:30]:30} ~ {POSTS[j][1][:30]}")
