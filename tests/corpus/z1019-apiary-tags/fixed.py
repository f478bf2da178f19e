# Word tagger for beehive inspection notes.
# Beekeepers dictate notes after each hive check; we tag the words that talk about the queen,
# the brood, pests or feeding so the association's hive record sheet can be filled in.
import random

import torch
import torch.nn as nn

random.seed(5)
torch.manual_seed(5)

TAG_NAMES = ["O", "QUEEN", "BROOD", "PEST", "FEED"]

INSPECTION_NOTES = [
    ("queen seen marked blue laying well", "QUEEN O O O O O"),
    ("capped brood on six frames good pattern", "BROOD BROOD O O O O O"),
    ("varroa drop high on board treat next week", "PEST O O O O O O O"),
    ("gave two litres syrup colony light", "O O O FEED O O"),
    ("no eggs no queen found emergency cells", "O BROOD O QUEEN O O QUEEN"),
    ("wax moth in stored super", "PEST PEST O O O"),
    ("fondant added hive heavy", "FEED O O O"),
    ("open brood and eggs queen cells removed", "BROOD BROOD O BROOD QUEEN QUEEN O"),
    ("small hive beetle not seen", "PEST PEST PEST O O"),
    ("virgin queen hatched pollen coming in", "QUEEN QUEEN O FEED O O"),
]


class TagSetup:
    def __init__(self, maxLen, embDim, hiddenDim):
        self.maxLen = maxLen
        self.embDim = embDim
        self.hiddenDim = hiddenDim
        self.padId = 0
        self.ignoreTag = -100
        self.tagToId = dict((t, i) for i, t in enumerate(TAG_NAMES))
        self.wordToId = {"<pad>": 0, "<unk>": 1}


def buildVocab(setup, noteList):
    for text, _ in noteList:
        for w in text.split():
            if w not in setup.wordToId:
                setup.wordToId[w] = len(setup.wordToId)
    return len(setup.wordToId)


def makeBatch(setup, rows):
    wordLists = [text.split()[:setup.maxLen] for text, _ in rows]
    tagLists = [tags.split()[:setup.maxLen] for _, tags in rows]
    width = max(len(w) for w in wordLists)
    wordIds = torch.full((len(rows), width), setup.padId, dtype=torch.long)
    tagIds = torch.full((len(rows), width), setup.ignoreTag, dtype=torch.long)
    for r in range(len(rows)):
        n = len(wordLists[r])
        wordIds[r, :n] = torch.tensor([setup.wordToId.get(w, 1) for w in wordLists[r]])
        tagIds[r, :n] = torch.tensor([setup.tagToId[t] for t in tagLists[r]])
    return wordIds, tagIds, wordLists


class HiveNoteTagger(nn.Module):
    def __init__(self, vocabSize, setup):
        super(HiveNoteTagger, self).__init__()
        self.embedding = nn.Embedding(vocabSize, setup.embDim, padding_idx=setup.padId)
        self.gru = nn.GRU(setup.embDim, setup.hiddenDim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * setup.hiddenDim, len(TAG_NAMES))

    def forward(self, wordIds):
        states, _ = self.gru(self.embedding(wordIds))
        return self.proj(states)


def main():
    setup = TagSetup(maxLen=24, embDim=16, hiddenDim=16)
    batchSize = 4
    numEpochs = 6

    # ---- vocab + split ------------------------------------------------------
    vocabSize = buildVocab(setup, INSPECTION_NOTES)
    rows = INSPECTION_NOTES[:]
    random.shuffle(rows)
    trainRows, checkRows = rows[:7], rows[7:]
    print("vocab %d words, %d train notes, %d check notes" % (vocabSize, len(trainRows), len(checkRows)))

    tagger = HiveNoteTagger(vocabSize, setup)
    optimizer = torch.optim.Adam(tagger.parameters(), lr=5e-3)
    lossFn = nn.CrossEntropyLoss(ignore_index=setup.ignoreTag)

    # ---- training -----------------------------------------------------------
    for epochNo in range(numEpochs):
        tagger.train()
        random.shuffle(trainRows)
        epochLoss = 0.0
        for startIdx in range(0, len(trainRows), batchSize):
            wordIds, tagIds, _ = makeBatch(setup, trainRows[startIdx:startIdx + batchSize])
            tagScores = tagger(wordIds)
            loss = lossFn(tagScores.reshape(-1, len(TAG_NAMES)), tagIds.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epochLoss += loss.item()
        print("epoch %d loss %.4f" % (epochNo + 1, epochLoss))

    # ---- fill the record sheet for the check notes --------------------------
    tagger.eval()
    wordIds, tagIds, wordLists = makeBatch(setup, checkRows)
    with torch.no_grad():
        predTags = tagger(wordIds).argmax(-1)
    recordSheet = []
    for rowNo in range(wordIds.size(0)):
        tagged = []
        for pos in range(wordIds.size(1)):
            if wordIds[rowNo, pos].item() == setup.padId:
                break
            tagged.append("%s/%s" % (wordLists[rowNo][pos], TAG_NAMES[predTags[rowNo, pos].item()]))
        recordSheet.append(" ".join(tagged))
    for line in recordSheet:
        print("  %s" % line)
    print("record sheet has %d entries" % len(recordSheet))


if __name__ == "__main__":
    main()
